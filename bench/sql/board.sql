SELECT phase_id, currency, count, amount::bigint, round(weighted / 100)::bigint
FROM board_totals WHERE workspace_id = '{{ws}}' AND pipeline_id = '{{pipeline}}' AND count > 0 ORDER BY currency;
SELECT c.* FROM phases ph CROSS JOIN LATERAL (
    SELECT o.* FROM opportunities o
    WHERE o.workspace_id = '{{ws}}' AND o.phase_id = ph.id AND o.status = 'open' AND o.expected_order_date IS NOT NULL
    ORDER BY o.expected_order_date, o.id LIMIT 21) c
WHERE ph.workspace_id = '{{ws}}' AND ph.pipeline_id = '{{pipeline}}'
ORDER BY ph.position, c.expected_order_date, c.id;

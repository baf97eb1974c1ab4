SELECT to_char(o.expected_order_date, 'YYYY-MM') AS key, o.currency, count(*), sum(o.estimated_amount)::bigint,
       round(sum(o.estimated_amount::numeric * o.probability) / 100)::bigint
FROM opportunities o
WHERE o.workspace_id = '{{ws}}' AND o.status = 'open' AND o.expected_order_date IS NOT NULL
  AND o.expected_order_date BETWEEN '{{from}}' AND '{{to}}'
GROUP BY 1, o.currency ORDER BY 1, o.currency;

SELECT to_char(f.month, 'YYYY-MM') AS key, to_char(f.month, 'YYYY-MM') AS label, f.currency, sum(f.count)::bigint,
       sum(f.amount)::bigint, round(sum(f.weighted) / 100)::bigint
FROM (SELECT month, pipeline_id, phase_id, owner_id, source_id, currency, count, amount, weighted
      FROM forecast_totals WHERE workspace_id = '{{ws}}' AND month BETWEEN '{{from}}' AND '{{to_month}}') f
GROUP BY 1, 2, f.currency HAVING sum(f.count) > 0 ORDER BY key, f.currency;

SELECT to_char(f.month, 'YYYY-MM') AS key, to_char(f.month, 'YYYY-MM') AS label, f.currency, sum(f.count)::bigint,
       sum(f.amount)::bigint, round(sum(f.weighted) / 100)::bigint
FROM (SELECT month, NULL::uuid AS pipeline_id, NULL::uuid AS phase_id, NULL::uuid AS owner_id, NULL::uuid AS source_id,
             currency, count, amount, weighted
      FROM forecast_month_totals WHERE workspace_id = '{{ws}}' AND month BETWEEN '{{from}}' AND '{{to_month}}') f
GROUP BY 1, 2, f.currency HAVING sum(f.count) > 0 ORDER BY key, f.currency;

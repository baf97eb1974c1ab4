SELECT p.id, p.workspace_id, p.name, p.is_default, p.quote_sent_phase_id, p.quote_signed_phase_id,
		p.version, p.created_at, p.updated_at, ph.id, ph.name, ph.probability, ph.kind, ph.color, ph.position
	FROM pipelines p JOIN phases ph ON ph.pipeline_id = p.id
	WHERE p.workspace_id = '{{ws}}' AND p.is_default ORDER BY ph.position;
SELECT json_build_object(
	'board', COALESCE((SELECT json_agg(x ORDER BY x.currency) FROM (SELECT phase_id, currency, count, amount::bigint AS amount, round(weighted / 100)::bigint AS weighted
	FROM board_totals WHERE workspace_id = '{{ws}}' AND pipeline_id = '{{pipeline}}' AND count > 0) x), '[]'::json),
	'won_month', COALESCE((SELECT json_agg(x ORDER BY x.currency) FROM (SELECT currency, sum(count)::bigint AS count, sum(amount)::bigint AS amount, sum(amount)::bigint AS weighted
		FROM closed_totals WHERE workspace_id = '{{ws}}' AND status = 'won' AND day >= CAST('{{month_day}}' AS date)
		GROUP BY currency) x), '[]'::json),
	'won_quarter', COALESCE((SELECT json_agg(x ORDER BY x.currency) FROM (SELECT currency, sum(count)::bigint AS count, sum(amount)::bigint AS amount, sum(amount)::bigint AS weighted
		FROM closed_totals WHERE workspace_id = '{{ws}}' AND status = 'won' AND day >= CAST('{{quarter_day}}' AS date)
		GROUP BY currency) x), '[]'::json),
	'win_rate', (SELECT json_build_object('won', COALESCE(sum(count) FILTER (WHERE status = 'won'), 0), 'closed', COALESCE(sum(count), 0))
		FROM closed_totals WHERE workspace_id = '{{ws}}' AND day >= CAST('{{since_90d_day}}' AS date)),
	'sources', COALESCE((SELECT json_agg(x ORDER BY x.position NULLS LAST, x.name, x.currency) FROM (SELECT c.source_id, s.name, s.position, c.currency, sum(c.created)::bigint AS created,
			sum(c.won)::bigint AS won, sum(c.closed)::bigint AS closed, sum(c.won_amount)::bigint AS won_amount
		FROM (SELECT source_id, currency, created, won, closed, won_amount FROM created_month_totals
				WHERE workspace_id = '{{ws}}' AND month >= CAST('{{since_1y_month}}' AS date)
			UNION ALL
			SELECT source_id, currency, created, won, closed, won_amount FROM created_totals
				WHERE workspace_id = '{{ws}}' AND day >= CAST('{{since_1y_day}}' AS date) AND day < CAST('{{since_1y_month}}' AS date)) c
		LEFT JOIN sources s ON s.id = c.source_id
		GROUP BY c.source_id, s.name, s.position, c.currency) x), '[]'::json),
	'forecast', COALESCE((SELECT json_agg(x ORDER BY x.key, x.currency) FROM (SELECT to_char(f.month, 'YYYY-MM') AS key, to_char(f.month, 'YYYY-MM') AS label, f.currency, sum(f.count)::bigint AS count,
		sum(f.amount)::bigint AS amount, round(sum(f.weighted) / 100)::bigint AS weighted
	FROM (SELECT month, NULL::uuid AS pipeline_id, NULL::uuid AS phase_id, NULL::uuid AS owner_id,
				NULL::uuid AS source_id, currency, count, amount, weighted
			FROM forecast_month_totals WHERE workspace_id = '{{ws}}' AND month BETWEEN CAST('{{from}}' AS date) AND CAST('{{to_month}}' AS date)) f  GROUP BY 1, 2, f.currency HAVING sum(f.count) > 0 ORDER BY key, f.currency) x), '[]'::json));
WITH t AS (
	  SELECT (CAST('{{now}}' AS timestamptz) AT TIME ZONE w.time_zone)::date AS today FROM workspaces w WHERE w.id = '{{ws}}'),
	p AS (SELECT today, date_trunc('month', today)::date AS month, date_trunc('quarter', today)::date AS quarter FROM t),
	d AS (SELECT i.*, CASE WHEN i.kind = 'invoice' AND i.status IN ('issued', 'partially_paid')
THEN greatest(i.total - i.credited - i.paid, 0) ELSE 0 END AS due FROM invoices i WHERE i.workspace_id = '{{ws}}' AND i.status <> 'draft')
	SELECT 'month' AS part, currency, count(*) FILTER (WHERE kind = 'invoice') AS count, sum(total)::bigint AS amount
	  FROM d, p WHERE issue_date >= p.month GROUP BY currency
	UNION ALL
	SELECT 'quarter', currency, count(*) FILTER (WHERE kind = 'invoice'), sum(total)::bigint
	  FROM d, p WHERE issue_date >= p.quarter GROUP BY currency
	UNION ALL
	SELECT 'outstanding', currency, count(*), sum(due)::bigint FROM d WHERE due > 0 GROUP BY currency
	UNION ALL
	SELECT 'overdue', currency, count(*), sum(due)::bigint FROM d, p WHERE due > 0 AND due_date < p.today GROUP BY currency
	ORDER BY 1, 2;
SELECT tasks.*, count(*) OVER () AS total FROM "tasks" WHERE (tasks.assignee_id = '{{user}}' AND tasks.status = 'open') AND "tasks"."workspace_id" = '{{ws}}' ORDER BY COALESCE(tasks.due_at, 'infinity'::timestamptz), tasks.id LIMIT 5;

SELECT p.id, p.workspace_id, p.name, p.is_default, p.quote_sent_phase_id, p.quote_signed_phase_id,
		p.version, p.created_at, p.updated_at, ph.id, ph.name, ph.probability, ph.kind, ph.color, ph.position
	FROM pipelines p JOIN phases ph ON ph.pipeline_id = p.id
	WHERE p.workspace_id = '{{ws}}' AND p.is_default ORDER BY ph.position;
(SELECT 1, row_number() OVER (ORDER BY x.currency), CAST(x.phase_id AS uuid), CAST(NULL AS text), CAST(NULL AS text), CAST(x.currency AS text), CAST(x.count AS bigint), CAST(x.amount AS bigint), CAST(x.weighted AS bigint), CAST(0 AS bigint), CAST(0 AS bigint) FROM (SELECT phase_id, currency, count, amount::bigint AS amount, round(weighted / 100)::bigint AS weighted
			FROM board_totals WHERE workspace_id = '{{ws}}' AND pipeline_id = '{{pipeline}}' AND count > 0) x) UNION ALL (SELECT 2, row_number() OVER (ORDER BY x.currency), CAST(NULL AS uuid), CAST(NULL AS text), CAST(NULL AS text), CAST(x.currency AS text), CAST(x.count AS bigint), CAST(x.amount AS bigint), CAST(x.weighted AS bigint), CAST(0 AS bigint), CAST(0 AS bigint) FROM (SELECT currency, sum(count)::bigint AS count, sum(amount)::bigint AS amount, sum(amount)::bigint AS weighted
			FROM closed_totals WHERE workspace_id = '{{ws}}' AND status = 'won' AND day >= CAST('{{month_day}}' AS date)
			GROUP BY currency) x) UNION ALL (SELECT 3, row_number() OVER (ORDER BY x.currency), CAST(NULL AS uuid), CAST(NULL AS text), CAST(NULL AS text), CAST(x.currency AS text), CAST(x.count AS bigint), CAST(x.amount AS bigint), CAST(x.weighted AS bigint), CAST(0 AS bigint), CAST(0 AS bigint) FROM (SELECT currency, sum(count)::bigint AS count, sum(amount)::bigint AS amount, sum(amount)::bigint AS weighted
			FROM closed_totals WHERE workspace_id = '{{ws}}' AND status = 'won' AND day >= CAST('{{quarter_day}}' AS date)
			GROUP BY currency) x) UNION ALL (SELECT 4, row_number() OVER (ORDER BY x.won), CAST(NULL AS uuid), CAST(NULL AS text), CAST(NULL AS text), CAST(NULL AS text), CAST(0 AS bigint), CAST(0 AS bigint), CAST(0 AS bigint), CAST(x.won AS bigint), CAST(x.closed AS bigint) FROM (SELECT COALESCE(sum(count) FILTER (WHERE status = 'won'), 0) AS won, COALESCE(sum(count), 0) AS closed
			FROM closed_totals WHERE workspace_id = '{{ws}}' AND day >= CAST('{{since_90d_day}}' AS date)) x) UNION ALL (SELECT 5, row_number() OVER (ORDER BY x.position NULLS LAST, x.name, x.currency), CAST(x.source_id AS uuid), CAST(NULL AS text), CAST(x.name AS text), CAST(x.currency AS text), CAST(x.created AS bigint), CAST(x.won_amount AS bigint), CAST(0 AS bigint), CAST(x.won AS bigint), CAST(x.closed AS bigint) FROM (SELECT c.source_id, s.name, s.position, c.currency, sum(c.created)::bigint AS created,
				sum(c.won)::bigint AS won, sum(c.closed)::bigint AS closed, sum(c.won_amount)::bigint AS won_amount
			FROM (SELECT source_id, currency, created, won, closed, won_amount FROM created_month_totals
					WHERE workspace_id = '{{ws}}' AND month >= CAST('{{since_1y_month}}' AS date)
				UNION ALL
				SELECT source_id, currency, created, won, closed, won_amount FROM created_totals
					WHERE workspace_id = '{{ws}}' AND day >= CAST('{{since_1y_day}}' AS date) AND day < CAST('{{since_1y_month}}' AS date)) c
			LEFT JOIN sources s ON s.id = c.source_id
			GROUP BY c.source_id, s.name, s.position, c.currency) x) UNION ALL (SELECT 6, row_number() OVER (ORDER BY x.key, x.currency), CAST(NULL AS uuid), CAST(x.key AS text), CAST(x.label AS text), CAST(x.currency AS text), CAST(x.count AS bigint), CAST(x.amount AS bigint), CAST(x.weighted AS bigint), CAST(0 AS bigint), CAST(0 AS bigint) FROM (SELECT to_char(f.month, 'YYYY-MM') AS key, to_char(f.month, 'YYYY-MM') AS label, f.currency, sum(f.count)::bigint AS count,
				sum(f.amount)::bigint AS amount, round(sum(f.weighted) / 100)::bigint AS weighted
			FROM (SELECT month, NULL::uuid AS pipeline_id, NULL::uuid AS phase_id, NULL::uuid AS owner_id,
					NULL::uuid AS source_id, currency, count, amount, weighted
				FROM forecast_month_totals WHERE workspace_id = '{{ws}}' AND month BETWEEN CAST('{{from}}' AS date) AND CAST('{{to_month}}' AS date)) f  GROUP BY 1, 2, f.currency HAVING sum(f.count) > 0 ORDER BY key, f.currency) x) ORDER BY 1, 2;
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
SELECT id, title, description, due_at, assignee_id, opportunity_id, status,
			completed_at, created_by, version, created_at, updated_at, count(*) OVER ()
		FROM tasks WHERE workspace_id = '{{ws}}' AND assignee_id = '{{user}}' AND status = 'open'
		ORDER BY COALESCE(tasks.due_at, 'infinity'::timestamptz), id LIMIT 5;

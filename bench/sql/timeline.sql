SELECT t.type, t.occurred_at, t.id, t.actor_id, t.actor_name, t.summary, t.ref_type, t.ref_id
FROM opportunities o
LEFT JOIN LATERAL (SELECT s.*, u.name AS actor_name FROM ((SELECT 'note' AS type, x.created_at AS occurred_at, x.id AS id, x.author_id AS actor_id, left(x.body, 200) AS summary,
  'note' AS ref_type, x.id AS ref_id FROM notes x WHERE x.workspace_id = '{{ws}}' AND x.opportunity_id = '{{opportunity}}' ORDER BY x.created_at DESC, x.id DESC LIMIT 51)
UNION ALL
(SELECT 'attachment' AS type, x.created_at AS occurred_at, x.id AS id, x.uploaded_by AS actor_id, x.file_name AS summary,
  'attachment' AS ref_type, x.id AS ref_id FROM attachments x WHERE x.workspace_id = '{{ws}}' AND x.opportunity_id = '{{opportunity}}' ORDER BY x.created_at DESC, x.id DESC LIMIT 51)
UNION ALL
(SELECT 'task_created' AS type, x.created_at AS occurred_at, x.id AS id, x.created_by AS actor_id, x.title AS summary,
  'task' AS ref_type, x.id AS ref_id FROM tasks x WHERE x.workspace_id = '{{ws}}' AND x.opportunity_id = '{{opportunity}}' AND x.opportunity_id IS NOT NULL ORDER BY x.created_at DESC, x.id DESC LIMIT 51)
UNION ALL
(SELECT 'task_completed' AS type, x.completed_at AS occurred_at, x.id AS id, (SELECT e.actor_id FROM task_events e WHERE e.task_id = x.id AND e.kind = 'completed' ORDER BY e.at DESC LIMIT 1) AS actor_id, x.title AS summary,
  'task' AS ref_type, x.id AS ref_id FROM tasks x WHERE x.workspace_id = '{{ws}}' AND x.opportunity_id = '{{opportunity}}' AND x.opportunity_id IS NOT NULL AND x.completed_at IS NOT NULL ORDER BY x.completed_at DESC, x.id DESC LIMIT 51)
UNION ALL
(SELECT 'phase_change' AS type, x.changed_at AS occurred_at, x.id AS id, x.changed_by AS actor_id, coalesce(x.from_phase_name || ' → ', '') || x.to_phase_name AS summary,
  'opportunity' AS ref_type, x.opportunity_id AS ref_id FROM phase_changes x WHERE x.workspace_id = '{{ws}}' AND x.opportunity_id = '{{opportunity}}' ORDER BY x.changed_at DESC, x.id DESC LIMIT 51)
UNION ALL
(SELECT 'appointment' AS type, x.created_at AS occurred_at, x.id AS id, x.created_by AS actor_id, x.title AS summary,
  'appointment' AS ref_type, x.id AS ref_id FROM appointments x WHERE x.workspace_id = '{{ws}}' AND x.opportunity_id = '{{opportunity}}' AND x.opportunity_id IS NOT NULL ORDER BY x.created_at DESC, x.id DESC LIMIT 51)
UNION ALL
(SELECT 'email' AS type, x.created_at AS occurred_at, x.id AS id, x.sender_id AS actor_id, left(x.subject, 200) AS summary,
  'email' AS ref_type, x.id AS ref_id FROM emails x WHERE x.workspace_id = '{{ws}}' AND x.opportunity_id = '{{opportunity}}' AND x.purpose = 'customer' ORDER BY x.created_at DESC, x.id DESC LIMIT 51)
UNION ALL
(SELECT 'quote' AS type, x.occurred_at AS occurred_at, x.id AS id, CASE WHEN x.actor_kind = 'user' THEN x.actor_id END AS actor_id, 'Quote ' || coalesce(x.payload->>'number', '') || ' ' || replace(split_part(x.type, '.', 2), '_', ' ') ||
  CASE WHEN x.actor_kind = 'customer' AND x.actor_name <> '' THEN ' by ' || x.actor_name ELSE '' END AS summary,
  'quote' AS ref_type, x.subject_id AS ref_id FROM events x WHERE x.workspace_id = '{{ws}}' AND x.opportunity_id = '{{opportunity}}' AND x.type LIKE 'quote.%' ORDER BY x.occurred_at DESC, x.id DESC LIMIT 51)
UNION ALL
(SELECT 'invoice' AS type, x.occurred_at AS occurred_at, x.id AS id, CASE WHEN x.actor_kind = 'user' THEN x.actor_id END AS actor_id, CASE WHEN x.payload->>'kind' = 'credit_note' THEN 'Credit note ' ELSE 'Invoice ' END ||
  coalesce(x.payload->>'number', '') || ' ' || split_part(x.type, '.', 2) ||
  CASE WHEN x.type = 'invoice.credited' THEN ' by ' || coalesce(x.payload->>'credit_note_number', '') ELSE '' END AS summary,
  'invoice' AS ref_type, x.subject_id AS ref_id FROM events x WHERE x.workspace_id = '{{ws}}' AND x.opportunity_id = '{{opportunity}}' AND x.type LIKE 'invoice.%' ORDER BY x.occurred_at DESC, x.id DESC LIMIT 51)) s
LEFT JOIN users u ON u.workspace_id = '{{ws}}' AND u.id = s.actor_id
ORDER BY s.occurred_at DESC, s.id DESC LIMIT 51) t ON true
WHERE o.workspace_id = '{{ws}}' AND o.id = '{{opportunity}}'
ORDER BY t.occurred_at DESC, t.id DESC;

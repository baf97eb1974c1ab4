SELECT * FROM opportunities
WHERE workspace_id = '{{ws}}' AND pipeline_id = '{{pipeline}}' AND status = 'open'
ORDER BY updated_at DESC, id DESC LIMIT 51;

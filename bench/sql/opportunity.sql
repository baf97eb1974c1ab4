SELECT * FROM opportunities WHERE workspace_id = '{{ws}}' AND id = '{{opportunity}}' LIMIT 1;

SELECT quotes.id, quotes.workspace_id, quotes.opportunity_id, quotes.template_id, quotes.number,
	quotes.quote_version, quotes.status, quotes.valid_until, quotes.contact_person_id,
	quotes.snapshot #- '{company,logo,data}' AS snapshot, quotes.changes, quotes.currency, quotes.total,
	quotes.token_hash, quotes.token_sealed, quotes.document_sha256, quotes.viewed_at, quotes.last_viewed_at,
	quotes.response, quotes.signed_attachment_id, quotes.sent_at, quotes.sent_by, quotes.sent_channel,
	quotes.status_changed_at, quotes.created_by, quotes.version, quotes.created_at, quotes.updated_at FROM "quotes" WHERE "quotes"."workspace_id" = '{{ws}}' ORDER BY quotes.created_at ASC, quotes.id ASC LIMIT 51;

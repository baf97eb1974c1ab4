-- +goose Up
-- Revocable sessions. An access token names its session (the refresh
-- family of its log-in, claim sid) and is checked against the user's
-- session state: active, role, sessions_valid_after (tokens issued before
-- it are dead: password change, deactivation) and the sessions revoked
-- lately (log-out, a reused refresh token). Each replica caches that state
-- for a few seconds; these triggers tell every replica at commit, through
-- NOTIFY crm_sessions with the user's id, to drop its copy at once.
ALTER TABLE users ADD COLUMN sessions_valid_after timestamptz NOT NULL DEFAULT 'epoch';
CREATE INDEX refresh_tokens_user_revoked ON refresh_tokens (user_id, revoked_at) WHERE revoked_at IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION notify_user_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('crm_sessions', NEW.id::text);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION notify_refresh_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('crm_sessions', NEW.user_id::text);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER users_sessions AFTER UPDATE OF role, active, sessions_valid_after, password_hash ON users
    FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.active IS DISTINCT FROM NEW.active
        OR OLD.sessions_valid_after IS DISTINCT FROM NEW.sessions_valid_after OR OLD.password_hash IS DISTINCT FROM NEW.password_hash)
    EXECUTE FUNCTION notify_user_sessions();
CREATE TRIGGER refresh_tokens_sessions AFTER UPDATE OF revoked_at ON refresh_tokens
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION notify_refresh_sessions();

-- +goose Down
DROP TRIGGER refresh_tokens_sessions ON refresh_tokens;
DROP TRIGGER users_sessions ON users;
DROP FUNCTION notify_refresh_sessions();
DROP FUNCTION notify_user_sessions();
DROP INDEX refresh_tokens_user_revoked;
ALTER TABLE users DROP COLUMN sessions_valid_after;

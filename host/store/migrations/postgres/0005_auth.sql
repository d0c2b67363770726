-- Who may use the host's API, and what was done on it.
-- `api_tokens`: one row per token ever made; only the SHA-256 hex of the
-- token is kept (`hash`). A name is unique among tokens not revoked.
-- `audit_log`: append-only: the triggers below refuse UPDATE, DELETE and
-- TRUNCATE, and retention never touches it.
-- Times are Unix micros (UTC).
-- Keep in step with ../sqlite/0005_auth.sql.

CREATE TABLE api_tokens (
    id          TEXT   PRIMARY KEY,         -- UUIDv7
    name        TEXT   NOT NULL,
    role        TEXT   NOT NULL,
    hash        TEXT   NOT NULL UNIQUE,     -- SHA-256 hex of the whole token
    created_at  BIGINT NOT NULL,
    created_by  TEXT   NOT NULL,            -- an audit actor: `cli:alice`, `token:ops-admin`
    revoked_at  BIGINT,
    revoked_by  TEXT
);

CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;

CREATE TABLE audit_log (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT   NOT NULL,                -- `token:NAME`, `cli:USER`, `host`, `anonymous`
    action  TEXT   NOT NULL,                -- `token.created`, `auth.failed`, ...
    target  TEXT   NOT NULL,
    detail  TEXT   NOT NULL,                -- JSON
    origin  TEXT   NOT NULL                 -- `ip:port`, `cli`, `host`
);

CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);

CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on audit_log is refused', TG_OP;
END
$$;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

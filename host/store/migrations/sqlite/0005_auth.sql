-- Who may use the host's API, and what was done on it.
-- `api_tokens`: one row per token ever made; only the SHA-256 hex of the
-- token is kept (`hash`). A name is unique among tokens not revoked.
-- `audit_log`: append-only: the triggers below refuse UPDATE and DELETE,
-- and retention never touches it.
-- Times are Unix micros (UTC).
-- Keep in step with ../postgres/0005_auth.sql.

CREATE TABLE api_tokens (
    id          TEXT    PRIMARY KEY,        -- UUIDv7
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    hash        TEXT    NOT NULL UNIQUE,    -- SHA-256 hex of the whole token
    created_at  INTEGER NOT NULL,
    created_by  TEXT    NOT NULL,           -- an audit actor: `cli:alice`, `token:ops-admin`
    revoked_at  INTEGER,
    revoked_by  TEXT
);

CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;

CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    actor   TEXT    NOT NULL,               -- `token:NAME`, `cli:USER`, `host`, `anonymous`
    action  TEXT    NOT NULL,               -- `token.created`, `auth.failed`, ...
    target  TEXT    NOT NULL,
    detail  TEXT    NOT NULL,               -- JSON
    origin  TEXT    NOT NULL                -- `ip:port`, `cli`, `host`
);

CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE on audit_log is refused');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: DELETE on audit_log is refused');
END;

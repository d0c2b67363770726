-- The event log, consumer positions and plugin state (SQLite).
-- Keep in step with ../postgres/0001_log_positions_state.sql: same tables,
-- same columns, same meaning.

-- AUTOINCREMENT: a seq is never reused, even after the newest events are
-- deleted (retention), so a consumer's position always means the same event.
CREATE TABLE events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    subject         TEXT,
    time            TEXT,
    datacontenttype TEXT,
    dataschema      TEXT,
    extensions      TEXT,
    data            BLOB,
    recorded_at     INTEGER NOT NULL,
    origin          TEXT,
    UNIQUE (source, id)
);

CREATE INDEX events_type_seq ON events (type, seq);
CREATE INDEX events_recorded_at ON events (recorded_at);

CREATE TABLE positions (
    consumer TEXT    PRIMARY KEY,
    position INTEGER NOT NULL CHECK (position >= 0)
) WITHOUT ROWID;

CREATE TABLE plugin_state (
    plugin TEXT NOT NULL,
    key    TEXT NOT NULL,
    value  BLOB NOT NULL,
    PRIMARY KEY (plugin, key)
) WITHOUT ROWID;

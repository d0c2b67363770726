-- The event log, consumer positions and plugin state (PostgreSQL).
-- Keep in step with ../sqlite/0001_log_positions_state.sql: same tables,
-- same columns, same meaning.

-- seq comes from an identity sequence; appends hold an advisory lock so that
-- seqs become visible in order (see `Db::LOCK_LOG` in src/db.rs).
-- type is COLLATE "C" so the prefix range used for type patterns compares
-- bytes, whatever the database's default collation, and can use the index.
CREATE TABLE events (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT   NOT NULL,
    source          TEXT   NOT NULL,
    type            TEXT   COLLATE "C" NOT NULL,
    subject         TEXT,
    time            TEXT,
    datacontenttype TEXT,
    dataschema      TEXT,
    extensions      TEXT,
    data            BYTEA,
    recorded_at     BIGINT NOT NULL,
    origin          TEXT,
    UNIQUE (source, id)
);

CREATE INDEX events_type_seq ON events (type, seq);
CREATE INDEX events_recorded_at ON events (recorded_at);

CREATE TABLE positions (
    consumer TEXT   PRIMARY KEY,
    position BIGINT NOT NULL CHECK (position >= 0)
);

-- key is COLLATE "C" so that state loads ordered byte-wise, as on SQLite.
CREATE TABLE plugin_state (
    plugin TEXT  NOT NULL,
    key    TEXT  COLLATE "C" NOT NULL,
    value  BYTEA NOT NULL,
    PRIMARY KEY (plugin, key)
);

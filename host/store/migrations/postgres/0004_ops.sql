-- The ops read model: what the operations centre's API and dashboard show,
-- kept by the host's `projection:ops` consumer from the log (KPIs, alerts and
-- operator actions on them, map places, the event-time now). A projection of
-- the log: dropping these rows and the consumer's position rebuilds it
-- (operator actions are log events too, so they come back as well).
-- Times: `*_ms` columns are Unix millis for ordering; `*_at` text is the
-- RFC 3339 time as the event carried it (e.g. +07:00).
-- Keep in step with ../sqlite/0004_ops.sql.

-- Latest per KPI id (`city.ioc.kpi`).
CREATE TABLE ops_kpis (
    id          TEXT    PRIMARY KEY,
    sector      TEXT    NOT NULL,          -- the KPI's `category`
    data        TEXT    NOT NULL,          -- the latest KPI, JSON
    value       DOUBLE PRECISION NOT NULL, -- `kpiValue`
    standing    TEXT,                      -- `currentStanding`: good | warning | bad
    previous    DOUBLE PRECISION,          -- the value before the latest
    trend       TEXT    NOT NULL,          -- new | up | down | steady
    updated_ms  BIGINT  NOT NULL,
    updated_at  TEXT    NOT NULL,          -- `dateModified`, else the event time
    seq         BIGINT  NOT NULL           -- the log event that last changed it
);

CREATE INDEX ops_kpis_sector ON ops_kpis (sector, id);

-- Each KPI's values over time, pruned to the last 48 h of the read model's now.
CREATE TABLE ops_kpi_points (
    kpi_id TEXT    NOT NULL,
    at_ms  BIGINT  NOT NULL,
    value  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (kpi_id, at_ms)
);

CREATE INDEX ops_kpi_points_at ON ops_kpi_points (at_ms);

-- Latest view per `alertId` (`city.ioc.alert`) with its operator state.
CREATE TABLE ops_alerts (
    alert_id        TEXT    PRIMARY KEY,
    sector          TEXT    NOT NULL,
    severity        TEXT    NOT NULL,
    severity_rank   BIGINT  NOT NULL,      -- critical 5 … informational 1, unknown 0
    status          TEXT    NOT NULL,      -- the plugin's: open | resolved
    state           TEXT    NOT NULL,      -- open | acknowledged | assigned | resolved
    data            TEXT    NOT NULL,      -- the latest alert, JSON
    opened_at       TEXT    NOT NULL,      -- when this episode opened
    updated_ms      BIGINT  NOT NULL,
    updated_at      TEXT    NOT NULL,      -- the latest alert event's time
    ack_by          TEXT,
    ack_at          TEXT,
    ack_note        TEXT,
    assign_agency   TEXT,
    assign_deadline TEXT,
    assign_by       TEXT,
    assign_at       TEXT,
    assign_note     TEXT,
    resolve_by      TEXT,                  -- an operator, or `system` (the plugin resolved it)
    resolve_at      TEXT,
    resolve_note    TEXT,
    seq             BIGINT  NOT NULL       -- the log event that last changed it
);

CREATE INDEX ops_alerts_rank ON ops_alerts (severity_rank, updated_ms);

-- One row per `cityhub.ops.alert-action` event applied to a known alert.
CREATE TABLE ops_alert_actions (
    seq      BIGINT  PRIMARY KEY,          -- the action's event
    alert_id TEXT    NOT NULL,
    action   TEXT    NOT NULL,             -- ack | assign | resolve
    actor    TEXT    NOT NULL,             -- `by`
    acted_at TEXT    NOT NULL,             -- `at`
    agency   TEXT,
    deadline TEXT,
    note     TEXT
);

CREATE INDEX ops_alert_actions_alert ON ops_alert_actions (alert_id, seq);

-- Latest per map place: gate, segment, incident, site, hospital.
CREATE TABLE ops_places (
    layer      TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    lon        DOUBLE PRECISION NOT NULL,
    lat        DOUBLE PRECISION NOT NULL,
    name       TEXT    NOT NULL,           -- JSON: {"vi", "en"} or a string
    props      TEXT    NOT NULL,           -- JSON object of the layer's fields
    updated_ms BIGINT  NOT NULL,
    updated_at TEXT    NOT NULL,
    seq        BIGINT  NOT NULL,
    PRIMARY KEY (layer, id)
);

-- The read model's event-time now (one row, once an event time was seen):
-- the newest `time` of a city.* event or `now` of a cityhub.clock.tick.
CREATE TABLE ops_now (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    at_ms   BIGINT  NOT NULL,
    at_text TEXT    NOT NULL
);

-- The Open311 read model: one row per field report, kept by the host's
-- `projection:open311` consumer from `city.fieldreport.submitted` (creates
-- the row) and `city.fieldreport.request` (the plugin's whole current view).
-- A projection of the log: dropping the rows and the consumer's position
-- rebuilds it. Keep in step with ../sqlite/0003_service_requests.sql.

CREATE TABLE service_requests (
    id           TEXT    PRIMARY KEY,      -- service_request_id
    service_code TEXT    NOT NULL,
    status       TEXT    NOT NULL,         -- open | closed
    requested_at BIGINT  NOT NULL,         -- Unix micros of requested_datetime
    seq          BIGINT  NOT NULL,         -- the log event that last changed it
    view         TEXT    NOT NULL          -- the GeoReport request, JSON (no contact fields)
);

CREATE INDEX service_requests_requested ON service_requests (requested_at, id);

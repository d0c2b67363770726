-- Dead letters: events a route gave up on, kept for inspection and replay.
-- Keep in step with ../sqlite/0002_dead_letters.sql.

CREATE TABLE dead_letters (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    route          TEXT   NOT NULL,
    plugin         TEXT   NOT NULL,
    plugin_version TEXT   NOT NULL,
    seq            BIGINT NOT NULL,           -- the event's seq in the log
    event          TEXT   NOT NULL,           -- the event, CloudEvents JSON format
    failure        TEXT   NOT NULL,           -- the failure kind (deadline, trap, ...)
    reason         TEXT   NOT NULL,
    attempts       BIGINT NOT NULL,           -- calls made, over every replay
    failed_at      BIGINT NOT NULL,           -- Unix micros of the last failure
    status         TEXT   NOT NULL CHECK (status IN ('dead', 'replaying', 'replayed')),
    replayed_at    BIGINT                     -- Unix micros, once replayed
);

CREATE INDEX dead_letters_route_status ON dead_letters (route, status, id);

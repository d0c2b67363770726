-- What nodes sharing one store need when the bus runs on JetStream, whose
-- deliveries may repeat (a node dies after its commit, before its ack).
-- `route_done`: the log seqs each route has committed; a redelivered event
-- already done is skipped, so its outputs are stored once. Retention deletes
-- marks of events no longer in the log.
-- `plugin_state_versions`: bumped by every commit that writes a plugin's
-- state; a commit made from an older version is refused and its window run
-- again on the newer state, so two nodes never lose each other's writes.
-- Keep in step with the other backend's 0006_shared.sql.

CREATE TABLE route_done (
    consumer TEXT   NOT NULL,
    seq      BIGINT NOT NULL,
    PRIMARY KEY (consumer, seq)
);

CREATE TABLE plugin_state_versions (
    plugin  TEXT   PRIMARY KEY,
    version BIGINT NOT NULL
);

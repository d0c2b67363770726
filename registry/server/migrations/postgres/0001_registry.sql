-- The registry: vendors, the plugin names they own, and every published
-- version (the package bytes live on disk, addressed by `blob`).
-- Keep in step with ../sqlite/0001_registry.sql.

CREATE TABLE vendors (
    id           TEXT    PRIMARY KEY,            -- a VendorId
    public_key   TEXT    NOT NULL,               -- `ed25519:<base64>`
    token_sha256 TEXT    NOT NULL UNIQUE,        -- hex SHA-256 of the vendor's token
    created_at   BIGINT  NOT NULL                -- Unix micros
);

CREATE TABLE plugins (
    name       TEXT    PRIMARY KEY,
    vendor     TEXT    NOT NULL REFERENCES vendors (id),  -- the first to publish the name owns it
    created_at BIGINT  NOT NULL                           -- Unix micros
);

CREATE TABLE versions (
    name         TEXT    NOT NULL REFERENCES plugins (name),
    version      TEXT    NOT NULL,            -- semver, no build metadata
    digest       TEXT    NOT NULL,            -- the package's content digest, `sha256:<hex>`
    blob         TEXT    NOT NULL,            -- hex SHA-256 of the package file: its name on disk
    world        TEXT    NOT NULL,            -- the WIT world version it was built for
    capabilities TEXT    NOT NULL,            -- JSON array of capability names
    limits       TEXT    NOT NULL,            -- JSON object, see IndexLimits
    description  TEXT    NOT NULL,
    size         BIGINT  NOT NULL,            -- bytes of the package file
    yanked       BOOLEAN NOT NULL DEFAULT FALSE,
    published_at BIGINT  NOT NULL,            -- Unix micros
    PRIMARY KEY (name, version)
);

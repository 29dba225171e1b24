-- Tabula registry schema v1 (PostgreSQL). Keep in step with ../sqlite/0001_init.sql: the queries are shared.

-- Settings fixed at first start: the log origin and its Ed25519 signing key.
CREATE TABLE log_config (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row: the number of leaves. Appends lock this row first (UPDATE ... RETURNING), which
-- serialises them and assigns the leaf index inside the transaction.
CREATE TABLE log_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    size BIGINT NOT NULL
);
INSERT INTO log_head (id, size) VALUES (1, 0);

-- Hash of every perfect subtree: node_key = level << 56 | index. Level 0 are the leaf hashes.
CREATE TABLE log_nodes (
    node_key BIGINT PRIMARY KEY,
    hash     BYTEA NOT NULL
);

CREATE TABLE stations (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    enrol_token_hash  TEXT NOT NULL UNIQUE,
    public_key        TEXT,
    fingerprint       TEXT UNIQUE,
    created_at        TEXT NOT NULL,
    enrolled_at       TEXT,
    revoked_at        TEXT
);

-- Read tokens for auditors (SHA-256 of the token; the token itself is shown once).
CREATE TABLE read_tokens (
    token_hash  TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE certificates (
    id             TEXT PRIMARY KEY,
    leaf_index     BIGINT NOT NULL UNIQUE,
    leaf_hash      TEXT NOT NULL,
    station_id     BIGINT NOT NULL REFERENCES stations (id),
    station_name   TEXT NOT NULL,
    organisation   TEXT NOT NULL,
    site           TEXT NOT NULL,
    machine_vendor TEXT NOT NULL,
    machine_model  TEXT NOT NULL,
    machine_serial TEXT NOT NULL,
    serial_norm    TEXT NOT NULL,
    result         TEXT NOT NULL,
    started        TEXT NOT NULL,
    finished       TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    bundle         TEXT NOT NULL,
    receipt        TEXT NOT NULL
);
CREATE INDEX certificates_serial ON certificates (serial_norm);
CREATE INDEX certificates_station ON certificates (station_name);
CREATE INDEX certificates_org ON certificates (organisation);
CREATE INDEX certificates_finished ON certificates (finished);

CREATE TABLE drives (
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    position       BIGINT NOT NULL,
    model          TEXT NOT NULL,
    serial         TEXT NOT NULL,
    serial_norm    TEXT NOT NULL,
    PRIMARY KEY (certificate_id, position)
);
CREATE INDEX drives_serial ON drives (serial_norm);

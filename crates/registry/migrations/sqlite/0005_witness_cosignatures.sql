-- Witness cosignatures (C2SP tlog-cosignature) the registry collected: per witness, the newest
-- checkpoint body it cosigned and its signature line. Only ever moves forward (the upsert
-- keeps the larger size). Keep in step with ../postgres/0005_witness_cosignatures.sql.
CREATE TABLE witness_cosignatures (
    witness      TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    body         TEXT NOT NULL,
    cosignature  TEXT NOT NULL,
    received_at  TEXT NOT NULL
);

-- Projects and their credentials. Keys are stored as SHA-256 hashes only; `kind` says what
-- a key may do: 'ingest' keys write telemetry for their project, 'admin' tokens read the API.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_projects {{on_cluster}} (
    id String,
    name String,
    created_at DateTime64(3) DEFAULT now64(3)
) ENGINE = {{replacing_engine}}
ORDER BY id;

CREATE TABLE IF NOT EXISTS {{db}}.aiobs_api_keys {{on_cluster}} (
    key_hash String,
    project_id String,
    kind LowCardinality(String),
    name String,
    created_at DateTime64(3) DEFAULT now64(3),
    revoked UInt8 DEFAULT 0
) ENGINE = {{replacing_engine}}
ORDER BY key_hash;

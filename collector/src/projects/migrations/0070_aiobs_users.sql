-- Tenancy (issue 11): people who sign in. `password_hash` is a self-describing scrypt string
-- (never returned by the API); `instance_admin` users reach every project. Each change writes
-- a new row with a higher `version`; readers take the latest row per id.
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_users {{on_cluster}} (
    id String,
    email String,
    name String,
    password_hash String,
    instance_admin UInt8,
    disabled UInt8,
    created_at DateTime64(3),
    version UInt64
) ENGINE = {{replacing_engine}}
ORDER BY id;

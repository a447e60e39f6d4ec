-- Tenancy (issue 11): sign-in sessions, shared by every collector so that a sign-out or a
-- revocation holds everywhere (each collector caches a session at most 10 s). Only the SHA-256
-- of the cookie's session id is stored. A change (revocation) writes a new row with a higher
-- `version`; readers take the latest row per id_hash. Rows go a day after they expire
-- (24 HOUR, not 1 DAY: day-based TTLs are the retention settings' business).
CREATE TABLE IF NOT EXISTS {{db}}.aiobs_sessions {{on_cluster}} (
    id_hash String,
    user_id String,
    principal String,
    csrf_token String,
    created_at DateTime64(3),
    expires_at DateTime64(3),
    revoked UInt8,
    version UInt64
) ENGINE = {{replacing_engine}}
ORDER BY id_hash
TTL toDateTime(expires_at) + INTERVAL 24 HOUR;

-- Tenancy (issue 11): keys get a public id (listed and revoked by it, never by hash), the
-- prefix shown in lists, an owner for personal tokens, an optional expiry (rotation sets the
-- old key's to the end of the overlap) and a version, so the latest row of a key wins.
-- Keys written before this migration get an id derived from their hash.
ALTER TABLE {{db}}.aiobs_api_keys {{on_cluster}}
    ADD COLUMN IF NOT EXISTS id String DEFAULT substring(key_hash, 1, 16),
    ADD COLUMN IF NOT EXISTS prefix String DEFAULT '',
    ADD COLUMN IF NOT EXISTS user_id String DEFAULT '',
    ADD COLUMN IF NOT EXISTS expires_at Nullable(DateTime64(3)),
    ADD COLUMN IF NOT EXISTS created_by String DEFAULT '',
    ADD COLUMN IF NOT EXISTS version UInt64 DEFAULT 0;

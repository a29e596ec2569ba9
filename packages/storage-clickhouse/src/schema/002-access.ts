/**
 * Projects, API keys (their SHA-256 only), spans sent per project and day, and the audit log.
 * Small tables. A change to a project is a new row with a higher `version` (ReplacingMergeTree
 * keeps the newest; reads pick it themselves with `FINAL`, so they are right before parts
 * merge). A key keeps every row written of it (its creation, each last-used time, its
 * revocation), read folded so that a revocation stands whatever was written beside it. Usage
 * adds up (SummingMergeTree), read with `sum`.
 */
export const accessSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS project_settings (
    name String,
    created_at_ms Int64,
    settings String,
    version UInt64
  ) ENGINE = ReplacingMergeTree(version) ORDER BY name`,
  `CREATE TABLE IF NOT EXISTS api_keys (
    id String,
    project Nullable(String),
    name Nullable(String),
    hash String,
    created_at_ms Int64,
    last_used_at_ms Nullable(Int64),
    revoked_at_ms Nullable(Int64),
    version UInt64
  ) ENGINE = MergeTree ORDER BY id`,
  `CREATE TABLE IF NOT EXISTS usage_days (
    project String,
    day String,
    spans Int64
  ) ENGINE = SummingMergeTree ORDER BY (project, day)`,
  `CREATE TABLE IF NOT EXISTS audit_log (
    id UInt64,
    at_ms Int64,
    actor String,
    action String,
    project Nullable(String),
    target Nullable(String),
    detail String
  ) ENGINE = MergeTree ORDER BY id`,
];

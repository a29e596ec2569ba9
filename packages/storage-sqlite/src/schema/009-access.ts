/**
 * Projects, API keys (their SHA-256 only), spans sent per project and day, and the audit log
 * of admin actions. Small tables, written rarely next to spans. Projects created by name are
 * kept apart from the `projects` dimension the writer fills as data arrives.
 */
export const accessSchema = `
CREATE TABLE IF NOT EXISTS project_settings (
  name TEXT PRIMARY KEY,
  created_at_ms INTEGER NOT NULL,
  settings TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  project TEXT,
  name TEXT,
  hash TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  last_used_at_ms INTEGER,
  revoked_at_ms INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS api_keys_by_project ON api_keys (project, created_at_ms);
CREATE TABLE IF NOT EXISTS usage_days (
  project TEXT NOT NULL,
  day TEXT NOT NULL,
  spans INTEGER NOT NULL,
  PRIMARY KEY (project, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  project TEXT,
  target TEXT,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_by_project ON audit_log (project, id);
`;

/**
 * OTLP metrics. A series is what a metric's points share (name, kind, unit, temporality,
 * resource, scope, attributes), kept once; each point is a row of numbers under its series,
 * keyed by time, so a retried export stores nothing twice and one series' points in a time
 * range are one index range. `distribution` holds a histogram's buckets (or a summary's
 * quantiles) as JSON.
 */
export const otelMetricsSchema = `
CREATE TABLE IF NOT EXISTS metric_series (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  fingerprint INTEGER NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  unit TEXT NOT NULL,
  kind TEXT NOT NULL,
  temporality TEXT NOT NULL,
  monotonic INTEGER NOT NULL,
  resource_id INTEGER NOT NULL REFERENCES resources (id),
  scope_id INTEGER NOT NULL REFERENCES scopes (id),
  attributes TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS metric_series_by_fingerprint ON metric_series (project_id, fingerprint);
CREATE INDEX IF NOT EXISTS metric_series_by_name ON metric_series (project_id, name);
CREATE TABLE IF NOT EXISTS metric_points (
  series_id INTEGER NOT NULL,
  time_ns INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  value REAL,
  count INTEGER,
  sum REAL,
  min REAL,
  max REAL,
  distribution TEXT,
  PRIMARY KEY (series_id, time_ns)
) WITHOUT ROWID;
`;

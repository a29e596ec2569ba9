/**
 * The first schema. Spans hang off their trace's integer key, so the unique index that makes
 * writes idempotent — (trace_key, span_id) — grows at its right edge instead of at random
 * places: new traces get increasing keys. Resources and scopes are stored once each.
 * Ids are BLOBs (16 and 8 bytes); times are INTEGER nanoseconds; attribute maps, events and
 * links are typed JSON (see @sightline/core `encodeTypedJson`).
 */
export const initialSchema = `
CREATE TABLE projects (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE resources (
  id                       INTEGER PRIMARY KEY,
  fingerprint              BLOB NOT NULL UNIQUE,
  service_name             TEXT NOT NULL,
  attributes               TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  schema_url               TEXT NOT NULL
);
CREATE INDEX resources_by_service ON resources (service_name);

CREATE TABLE scopes (
  id                       INTEGER PRIMARY KEY,
  fingerprint              BLOB NOT NULL UNIQUE,
  name                     TEXT NOT NULL,
  version                  TEXT NOT NULL,
  attributes               TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  schema_url               TEXT NOT NULL
);

CREATE TABLE traces (
  id               INTEGER PRIMARY KEY,
  project_id       INTEGER NOT NULL,
  trace_id         BLOB NOT NULL,
  start_ns         INTEGER NOT NULL,
  end_ns           INTEGER NOT NULL,
  span_count       INTEGER NOT NULL,
  error_count      INTEGER NOT NULL,
  root_span_id     BLOB NOT NULL,
  root_name        TEXT NOT NULL,
  root_service     TEXT NOT NULL,
  root_start_ns    INTEGER NOT NULL,
  root_is_complete INTEGER NOT NULL,
  expires_at_ns    INTEGER
);
CREATE UNIQUE INDEX traces_by_id ON traces (project_id, trace_id);
CREATE INDEX traces_by_start ON traces (project_id, start_ns);
CREATE INDEX traces_by_expiry ON traces (expires_at_ns) WHERE expires_at_ns IS NOT NULL;

CREATE TABLE spans (
  trace_key                INTEGER NOT NULL,
  span_id                  BLOB NOT NULL,
  parent_span_id           BLOB,
  name                     TEXT NOT NULL,
  kind                     INTEGER NOT NULL,
  start_ns                 INTEGER NOT NULL,
  end_ns                   INTEGER NOT NULL,
  status_code              INTEGER NOT NULL,
  status_message           TEXT NOT NULL,
  trace_state              TEXT NOT NULL,
  flags                    INTEGER NOT NULL,
  resource_id              INTEGER NOT NULL,
  scope_id                 INTEGER NOT NULL,
  attributes               TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  events                   TEXT,
  dropped_events_count     INTEGER NOT NULL,
  links                    TEXT,
  dropped_links_count      INTEGER NOT NULL
);
CREATE UNIQUE INDEX spans_by_trace ON spans (trace_key, span_id);
CREATE INDEX spans_by_span_id ON spans (span_id);
`;

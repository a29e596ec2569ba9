/**
 * The first schema.
 *
 * Writes must stay fast as the store grows, so no index has random insertion points
 * except two small ones that are kept small:
 * - spans hang off their trace's integer key, and the unique index that makes writes
 *   idempotent, (trace_key, span_id), grows at its right edge: new traces get increasing keys;
 * - trace ids and span ids, which are random, are found through an id index (see
 *   `id-index/`): recent ids in a small B-tree (`recent_*_ids`), older ids in sealed,
 *   immutable blocks: each a Bloom filter (`*_id_blocks`) and its ids sorted into chunks of a few
 *   hundred (`*_id_runs`), keyed by (block, first id), so sealing appends.
 *
 * Resources and scopes are stored once each. Ids are BLOBs; times are INTEGER nanoseconds;
 * attribute maps, events and links are typed JSON (see @sightline/core `encodeTypedJson`).
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
  expires_at_ns    INTEGER,
  -- A Bloom filter of the attributes of the trace's spans, to skip traces when filtering: see filter-bloom.ts.
  filter_bloom     BLOB
);
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

CREATE TABLE recent_trace_ids (
  id    BLOB NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (id, value)
) WITHOUT ROWID;
CREATE TABLE trace_id_blocks (
  id        INTEGER PRIMARY KEY,
  min_value INTEGER NOT NULL,
  max_value INTEGER NOT NULL,
  bloom     BLOB NOT NULL
);
CREATE TABLE trace_id_runs (
  block INTEGER NOT NULL,
  first BLOB NOT NULL,
  ids   BLOB NOT NULL,
  vals  BLOB NOT NULL
);
CREATE UNIQUE INDEX trace_id_runs_by_first ON trace_id_runs (block, first);

CREATE TABLE recent_span_ids (
  id    BLOB NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (id, value)
) WITHOUT ROWID;
CREATE TABLE span_id_blocks (
  id        INTEGER PRIMARY KEY,
  min_value INTEGER NOT NULL,
  max_value INTEGER NOT NULL,
  bloom     BLOB NOT NULL
);
CREATE TABLE span_id_runs (
  block INTEGER NOT NULL,
  first BLOB NOT NULL,
  ids   BLOB NOT NULL,
  vals  BLOB NOT NULL
);
CREATE UNIQUE INDEX span_id_runs_by_first ON span_id_runs (block, first);
`;

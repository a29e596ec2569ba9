/**
 * LLM calls, sessions, metric rollups and log records.
 *
 * - `llm_calls`: one narrow row per call, beside its span (joined by trace key and span id):
 *   what queries filter, sort and sum on, and what the store decided (`counted`, cost). The
 *   rest of the call — content, and figures no query needs — is read from the span again when
 *   the call is shown. Its id carries its trace (see call-ids.ts); indexed by time.
 * - `traces` gains what its calls add up to, and the session it belongs to.
 * - `sessions` hold running totals of their traces, kept by adding each trace's change;
 *   `session_users` who took part.
 * - `llm_rollups`: per project, UTC hour and (service, provider, model, requested model,
 *   route, operation), the sums and quantile sketches of the calls that count, so metrics
 *   over millions of calls read thousands of rows. Text dimensions use '' for none.
 * - `logs`: OTLP log records; `fingerprint` (a hash of the whole record) makes retries
 *   harmless.
 */
export const llmCallsSchema = `
ALTER TABLE traces ADD COLUMN llm_call_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE traces ADD COLUMN llm_error_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE traces ADD COLUMN input_tokens INTEGER;
ALTER TABLE traces ADD COLUMN output_tokens INTEGER;
ALTER TABLE traces ADD COLUMN total_tokens INTEGER;
ALTER TABLE traces ADD COLUMN cost_usd REAL;
ALTER TABLE traces ADD COLUMN session_id TEXT;
ALTER TABLE traces ADD COLUMN user_id TEXT;
ALTER TABLE traces ADD COLUMN session_key INTEGER;
CREATE INDEX traces_by_session ON traces (session_key) WHERE session_key IS NOT NULL;

CREATE TABLE llm_calls (
  id                 INTEGER PRIMARY KEY,
  project_id         INTEGER NOT NULL,
  trace_key          INTEGER NOT NULL,
  span_id            BLOB NOT NULL,
  ts                 INTEGER NOT NULL,
  counted            INTEGER NOT NULL,
  duplicate_of       BLOB,
  vocabulary         TEXT NOT NULL,
  service            TEXT NOT NULL,
  provider           TEXT,
  host_provider      TEXT,
  request_model      TEXT,
  model              TEXT,
  operation          TEXT,
  request_id         TEXT,
  is_error           INTEGER NOT NULL,
  session_id         TEXT,
  user_id            TEXT,
  route              TEXT,
  input_tokens       INTEGER,
  output_tokens      INTEGER,
  total_tokens       INTEGER,
  cache_read_tokens  INTEGER,
  cache_write_tokens INTEGER,
  reasoning_tokens   INTEGER,
  duration_ms        REAL NOT NULL,
  ttft_ms            REAL,
  tokens_per_s       REAL,
  cost_usd           REAL,
  cost_input         REAL,
  cost_cache_read    REAL,
  cost_cache_write   REAL,
  cost_output        REAL,
  cost_reasoning     REAL,
  cost_source        TEXT,
  price_model        TEXT,
  -- The cost the source reported, as JSON {"usd": n, "breakdown": {...} | null}; kept for repricing.
  source_cost        TEXT
);
CREATE INDEX llm_calls_by_time ON llm_calls (project_id, ts);

CREATE TABLE sessions (
  id            INTEGER PRIMARY KEY,
  project_id    INTEGER NOT NULL,
  session_id    TEXT NOT NULL,
  first_ns      INTEGER NOT NULL,
  last_ns       INTEGER NOT NULL,
  trace_count   INTEGER NOT NULL,
  call_count    INTEGER NOT NULL,
  error_count   INTEGER NOT NULL,
  -- Sums over the session's traces, and how many traces know each (none: the sum is unknown).
  input_tokens  INTEGER NOT NULL,
  input_known   INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  output_known  INTEGER NOT NULL,
  total_tokens  INTEGER NOT NULL,
  total_known   INTEGER NOT NULL,
  cost_usd      REAL NOT NULL,
  cost_known    INTEGER NOT NULL
);
CREATE UNIQUE INDEX sessions_by_id ON sessions (project_id, session_id);
CREATE INDEX sessions_by_last_seen ON sessions (project_id, last_ns);

CREATE TABLE session_users (
  session_key INTEGER NOT NULL,
  user_id     TEXT NOT NULL,
  PRIMARY KEY (session_key, user_id)
) WITHOUT ROWID;

CREATE TABLE llm_rollups (
  id                 INTEGER PRIMARY KEY,
  project_id         INTEGER NOT NULL,
  hour               INTEGER NOT NULL,
  service            TEXT NOT NULL,
  provider           TEXT NOT NULL,
  model              TEXT NOT NULL,
  request_model      TEXT NOT NULL,
  route              TEXT NOT NULL,
  operation          TEXT NOT NULL,
  calls              INTEGER NOT NULL,
  errors             INTEGER NOT NULL,
  input_tokens       INTEGER NOT NULL,
  output_tokens      INTEGER NOT NULL,
  cache_read_tokens  INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  reasoning_tokens   INTEGER NOT NULL,
  total_tokens       INTEGER NOT NULL,
  cost_usd           REAL NOT NULL,
  priced_calls       INTEGER NOT NULL,
  latency            BLOB NOT NULL,
  ttft               BLOB NOT NULL,
  tokens_per_s       BLOB NOT NULL
);
CREATE UNIQUE INDEX llm_rollups_by_key ON llm_rollups (project_id, hour, service, provider, model, request_model, route, operation);

CREATE TABLE logs (
  id                       INTEGER PRIMARY KEY,
  project_id               INTEGER NOT NULL,
  fingerprint              INTEGER NOT NULL,
  trace_id                 BLOB,
  span_id                  BLOB,
  time_ns                  INTEGER NOT NULL,
  observed_ns              INTEGER NOT NULL,
  severity_number          INTEGER NOT NULL,
  severity_text            TEXT NOT NULL,
  event_name               TEXT NOT NULL,
  body                     TEXT NOT NULL,
  attributes               TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  flags                    INTEGER NOT NULL,
  resource_id              INTEGER NOT NULL,
  scope_id                 INTEGER NOT NULL
);
CREATE UNIQUE INDEX logs_by_fingerprint ON logs (project_id, fingerprint);
CREATE INDEX logs_by_trace ON logs (trace_id) WHERE trace_id IS NOT NULL;
`;

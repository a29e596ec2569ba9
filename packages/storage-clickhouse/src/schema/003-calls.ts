/**
 * What the readers search and sum, beside the spans:
 * - spans get `span_key`, the 53-bit number a trace's layout names a span by, and bloom filters
 *   on it and on the span id.
 * - `span_search`: what filters and free text read of each span, ordered by project and hour of
 *   start, so the newest spans are read first and a time range reads only its granules: the
 *   span's service, name and status, the words of its text, its attribute keys (bloom-filtered,
 *   so a filter on a rare key skips most granules) and values by type (strings up to
 *   `LONG_STRING` long, bloom-filtered too — the filters that can match a longer one read it from
 *   the span; numbers, booleans, arrays of each), the same for its resource. The spans table stays ordered by trace for reading a trace whole.
 * - `traces`: one summary row per trace, rewritten by the writer whenever the trace grows. The
 *   row written with more spans known replaces the one with fewer (its `version` is the span
 *   count), so two collectors writing one trace at once leave the complete summary.
 * - `llm_calls`: one row per call: its figures as read at ingest (`figures`, JSON) and, in
 *   columns, what the store decided or filters and sums read (counted, duplicate of, cost,
 *   session, user, latency buckets of the quantile sketch).
 * - `logs`: log records and events, one row per distinct record (`fingerprint`).
 */
/** The columns of one attribute map as `attributeColumns` splits it, each named `<prefix>_<part>`. */
function attributeColumnsSql(prefix: 'attr' | 'res'): string {
  const parts = [
    ['keys', 'Array(String)'],
    ['str', 'Map(String, String)'],
    ['num', 'Map(String, Float64)'],
    ['bool', 'Map(String, UInt8)'],
    ['arr_str', 'Map(String, Array(String))'],
    ['arr_num', 'Map(String, Array(Float64))'],
    ['arr_bool', 'Map(String, Array(UInt8))'],
  ];
  return parts.map(([part, type]) => `    ${prefix}_${part} ${type} CODEC(ZSTD(1)),`).join('\n');
}

export const callsSchema: readonly string[] = [
  'ALTER TABLE spans ADD COLUMN IF NOT EXISTS span_key UInt64 MATERIALIZED bitShiftRight(sipHash64(trace_id, span_id), 11)',
  'ALTER TABLE spans ADD INDEX IF NOT EXISTS span_id_bloom span_id TYPE bloom_filter GRANULARITY 4',
  'ALTER TABLE spans ADD INDEX IF NOT EXISTS span_key_bloom span_key TYPE bloom_filter GRANULARITY 4',
  `CREATE TABLE IF NOT EXISTS span_search (
    project LowCardinality(String),
    start_ns Int64 CODEC(Delta, ZSTD(1)),
    trace_id String,
    span_id String,
    service LowCardinality(String),
    name String CODEC(ZSTD(1)),
    status_code UInt8,
    words Array(String) CODEC(ZSTD(1)),
${attributeColumnsSql('attr')}
${attributeColumnsSql('res')}
    INDEX trace_id_bloom trace_id TYPE bloom_filter GRANULARITY 4,
    INDEX attr_keys_bloom attr_keys TYPE bloom_filter GRANULARITY 4,
    INDEX words_bloom words TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX attr_values_bloom mapValues(attr_str) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX res_values_bloom mapValues(res_str) TYPE bloom_filter(0.01) GRANULARITY 1
  ) ENGINE = ReplacingMergeTree
  ORDER BY (project, intDiv(start_ns, 3600000000000), trace_id, span_id)`,
  `CREATE TABLE IF NOT EXISTS traces (
    project LowCardinality(String),
    trace_id String,
    start_ns Int64,
    end_ns Int64,
    span_count UInt32,
    error_count UInt32,
    root_span_id String,
    root_name String,
    root_complete UInt8,
    service LowCardinality(String),
    call_count UInt32,
    input_tokens Nullable(Int64),
    output_tokens Nullable(Int64),
    total_tokens Nullable(Int64),
    cost_usd Nullable(Float64),
    session_id Nullable(String),
    user_id Nullable(String),
    expires_at_ns Nullable(Int64),
    version UInt64,
    INDEX start_minmax start_ns TYPE minmax GRANULARITY 1,
    INDEX session_bloom session_id TYPE bloom_filter GRANULARITY 4
  ) ENGINE = ReplacingMergeTree(version)
  ORDER BY (project, trace_id)`,
  `CREATE TABLE IF NOT EXISTS llm_calls (
    project LowCardinality(String),
    trace_id String,
    span_id String,
    timestamp_ns Int64 CODEC(Delta, ZSTD(1)),
    model Nullable(String),
    request_model Nullable(String),
    provider LowCardinality(Nullable(String)),
    operation LowCardinality(Nullable(String)),
    service LowCardinality(String),
    route Nullable(String),
    session_id Nullable(String),
    user_id Nullable(String),
    is_error UInt8,
    duration_ms Float64,
    ttft_ms Nullable(Float64),
    input_tokens Nullable(Int64),
    output_tokens Nullable(Int64),
    cache_read_tokens Nullable(Int64),
    cache_write_tokens Nullable(Int64),
    reasoning_tokens Nullable(Int64),
    total_tokens Nullable(Int64),
    cost_usd Nullable(Float64),
    cost String,
    latency_bucket Int32,
    ttft_bucket Nullable(Int32),
    rate_bucket Nullable(Int32),
    counted UInt8,
    duplicate_of Nullable(String),
    session_details String,
    figures String CODEC(ZSTD(3)),
    version UInt64,
    INDEX ts_minmax timestamp_ns TYPE minmax GRANULARITY 1,
    INDEX span_id_bloom span_id TYPE bloom_filter GRANULARITY 4,
    INDEX session_bloom session_id TYPE bloom_filter GRANULARITY 4
  ) ENGINE = ReplacingMergeTree(version)
  ORDER BY (project, trace_id, span_id)`,
  `CREATE TABLE IF NOT EXISTS logs (
    project LowCardinality(String),
    trace_id String,
    span_id String,
    time_ns Int64 CODEC(Delta, ZSTD(1)),
    seq UInt64,
    fingerprint String,
    record String CODEC(ZSTD(3)),
    INDEX time_minmax time_ns TYPE minmax GRANULARITY 1
  ) ENGINE = ReplacingMergeTree
  ORDER BY (project, trace_id, fingerprint)`,
];

/**
 * Spans, one row per span, ordered for a project's trace by id: a trace is one range of the
 * primary key. The same span sent again (a retry, or two collectors) is the same key, folded
 * to one row when parts merge (ReplacingMergeTree); reads keep one row per span until then
 * (`LIMIT 1 BY`). Ids are lowercase hex; times are nanoseconds since the epoch. Attributes,
 * events, links, resource and scope are typed JSON (see `encodeAttributes`), compressed with
 * ZSTD; a bloom filter on the trace id lets a lookup skip granules of other traces.
 */
export const spansSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS spans (
    project LowCardinality(String),
    trace_id String,
    span_id String,
    parent_span_id String,
    name String CODEC(ZSTD(1)),
    kind UInt8,
    start_ns Int64 CODEC(Delta, ZSTD(1)),
    end_ns Int64 CODEC(Delta, ZSTD(1)),
    status_code UInt8,
    status_message String CODEC(ZSTD(1)),
    trace_state String CODEC(ZSTD(1)),
    flags UInt32,
    service LowCardinality(String),
    resource String CODEC(ZSTD(3)),
    scope String CODEC(ZSTD(3)),
    attributes String CODEC(ZSTD(3)),
    dropped_attributes_count UInt32,
    events String CODEC(ZSTD(3)),
    dropped_events_count UInt32,
    links String CODEC(ZSTD(3)),
    dropped_links_count UInt32,
    expires_at_ns Nullable(Int64),
    INDEX trace_id_bloom trace_id TYPE bloom_filter GRANULARITY 4
  ) ENGINE = ReplacingMergeTree
  ORDER BY (project, trace_id, span_id)`,
];

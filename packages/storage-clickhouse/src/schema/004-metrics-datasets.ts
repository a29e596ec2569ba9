/**
 * OTLP metric points, one row per point of a series (`series_id`: a hash of the series'
 * identity, resource and scope; `series`: the series itself, JSON); a point sent again (same
 * series, same time) is one key. Dataset rows, numbered per dataset in the order appended.
 */
export const metricsDatasetsSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS metric_points (
    project LowCardinality(String),
    name LowCardinality(String),
    series_id String,
    time_ns Int64 CODEC(Delta, ZSTD(1)),
    start_ns Int64 CODEC(Delta, ZSTD(1)),
    value Nullable(Float64),
    count Nullable(Float64),
    sum Nullable(Float64),
    min Nullable(Float64),
    max Nullable(Float64),
    distribution String CODEC(ZSTD(3)),
    series String CODEC(ZSTD(3))
  ) ENGINE = ReplacingMergeTree
  ORDER BY (project, name, series_id, time_ns)`,
  `CREATE TABLE IF NOT EXISTS dataset_rows (
    project LowCardinality(String),
    dataset String,
    position UInt64,
    row String CODEC(ZSTD(3))
  ) ENGINE = ReplacingMergeTree
  ORDER BY (project, dataset, position)`,
];

/**
 * Hourly rollups of the calls that count, so that metrics over weeks read a few hundred rows
 * instead of every call (see `clickhouse-rollups.ts`):
 * - `llm_hour_rollups`: one row per project and UTC hour (hours since the epoch), its calls'
 *   sums and quantile-sketch bucket counts per service, provider, model, requested model,
 *   operation and route (`groups`), computed from `llm_calls` at `version` (the server's clock, in
 *   ns, when the computing query began). A newer computation of an hour replaces the row whole.
 * - `llm_rollup_marks`: when each hour's calls last changed: every insert or delete of calls
 *   writes its hours here afterwards, at the server's clock (the latest mark stays, per hour).
 *   An hour's rollup is used only when it is newer than the hour's mark; other hours are read
 *   from the calls.
 *
 * Hours with calls stored before this version are marked here, so they are rolled up on the
 * first refresh.
 */
const GROUP = `Tuple(
      String, Nullable(String), Nullable(String), Nullable(String), Nullable(String), Nullable(String),
      UInt64, UInt64, Int64, Int64, Int64, Int64, Int64, Int64, Float64, UInt64,
      Map(Int32, UInt64), Map(Int32, UInt64), Map(Int32, UInt64))`;

export const metricRollupsSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS llm_hour_rollups (
    project LowCardinality(String),
    hour Int64,
    version UInt64,
    groups Array(${GROUP}) CODEC(ZSTD(1))
  ) ENGINE = ReplacingMergeTree(version)
  ORDER BY (project, hour)`,
  `CREATE TABLE IF NOT EXISTS llm_rollup_marks (
    project LowCardinality(String),
    hour Int64,
    at UInt64 DEFAULT toUInt64(toUnixTimestamp64Nano(now64(9)))
  ) ENGINE = ReplacingMergeTree(at)
  ORDER BY (project, hour)`,
  'INSERT INTO llm_rollup_marks (project, hour) SELECT DISTINCT project, intDiv(timestamp_ns, 3600000000000) FROM llm_calls',
];

import {
  BUCKET_NS,
  MetricsAccumulator,
  type MetricsGroup,
  type MetricsGroupBy,
  type MetricsQuery,
  type MetricsResult,
  type MetricsSeries,
  type MetricsSeriesQuery,
  type QuantileSketch,
  rollupsAnswer,
  SeriesAccumulator,
} from '@sightline/storage';
import { callFilterSql } from './call-filter-sql.js';
import { callSumsSql, rolledUpSumsSql } from './call-sums-sql.js';
import type { ClickHouseDb } from './clickhouse-db.js';
import type { ClickHouseRollups } from './clickhouse-rollups.js';
import { SqlParams } from './query-params.js';

interface SumsRow {
  k: string | null;
  at: string;
  calls: string;
  errors: string;
  input: string;
  output: string;
  cache_read: string;
  cache_write: string;
  reasoning: string;
  total: string;
  cost: number;
  priced: string;
  latency: BucketCounts;
  ttft: BucketCounts;
  rate: BucketCounts;
}

/** A sketch's buckets and their counts, as `sumMap` over a map gives them: bucket → calls. */
type BucketCounts = Record<string, string | number>;

function addBuckets(sketch: QuantileSketch, counts: BucketCounts): void {
  for (const bucket in counts) sketch.addBucket(Number(bucket), Number(counts[bucket]));
}

/**
 * Metrics over the calls that count, summed by ClickHouse per group (and time bucket): sums,
 * and the quantile sketches' bucket counts (each call's buckets are kept at ingest), so
 * percentiles are those of the shared sketch, as every backend gives them. When `rollups` are
 * given and the query's filters are ones they keep, the whole hours they answer are read from
 * them and only the rest from the calls (see `ClickHouseRollups.plan`).
 */
export class ClickHouseMetrics {
  constructor(
    private readonly db: ClickHouseDb,
    private readonly rollups: ClickHouseRollups | null,
  ) {}

  async metrics(q: MetricsQuery): Promise<MetricsResult> {
    const acc = new MetricsAccumulator(q.groupBy, q.rankBy);
    await this.fill(q, metricsKeySql(q.groupBy), '0', (_at, key) => acc.group(key));
    return acc.result(q.limit);
  }

  async metricsSeries(q: MetricsSeriesQuery): Promise<MetricsSeries> {
    const acc = new SeriesAccumulator(q);
    // Rollups are hourly: minutes are read from the calls.
    await this.fill(q, metricsKeySql(q.splitBy), timeBucketSql(q.bucket), (at, key) => acc.cell(BigInt(at), key), q.bucket !== 'minute');
    return acc.result(q.limit);
  }

  /** Adds every group's sums and sketches to the group `groupOf` gives for its time bucket and key. */
  private async fill(
    q: MetricsQuery,
    keySql: string,
    atSql: string,
    groupOf: (at: string, key: string | null) => MetricsGroup | null,
    fromRollups = true,
  ): Promise<void> {
    const p = new SqlParams();
    const where = callFilterSql(q, p).join(' AND ');
    const select = `SELECT ${keySql} AS k, toString(${atSql}) AS at`;
    const calls = (skip: string) => `${select}, ${callSumsSql()} FROM llm_calls FINAL WHERE ${where} AND counted = 1${skip} GROUP BY k, at`;
    const rows =
      fromRollups && this.rollups && rollupsAnswer(q)
        ? await this.rollups.read<SumsRow>({
            project: q.project,
            from: q.from,
            to: q.to,
            params: p,
            rolledUp: (rollupRows) => `${select}, ${rolledUpSumsSql()} FROM ${rollupRows} WHERE ${where} GROUP BY k, at`,
            calls,
          })
        : await this.db.rows<SumsRow>(calls(''), p.values);
    for (const r of rows) {
      const g = groupOf(r.at, r.k);
      if (!g) continue;
      g.addSums({
        calls: Number(r.calls),
        errors: Number(r.errors),
        inputTokens: Number(r.input),
        outputTokens: Number(r.output),
        cacheReadTokens: Number(r.cache_read),
        cacheWriteTokens: Number(r.cache_write),
        reasoningTokens: Number(r.reasoning),
        totalTokens: Number(r.total),
        costUsd: Number(r.cost),
        pricedCalls: Number(r.priced),
      });
      addBuckets(g.latency, r.latency);
      addBuckets(g.ttft, r.ttft);
      addBuckets(g.tokensPerS, r.rate);
    }
  }
}

/** The group a call of `llm_calls` falls in (see `metricsKey`), as text or null. */
export function metricsKeySql(groupBy: MetricsGroupBy | undefined): string {
  switch (groupBy) {
    case undefined:
      return 'CAST(NULL AS Nullable(String))';
    case 'model':
      return 'coalesce(model, request_model)';
    case 'provider':
      return 'CAST(provider AS Nullable(String))';
    case 'service':
      return 'CAST(service AS Nullable(String))';
    case 'route':
      return 'route';
    case 'operation':
      return 'CAST(operation AS Nullable(String))';
    case 'session':
      return 'session_id';
    case 'user':
      return 'user_id';
    case 'hour':
    case 'day':
      return `toString(${timeBucketSql(groupBy)})`;
  }
}

/** The start of the minute, UTC hour or day of a call (timestamps before 1970 are not kept apart). */
export function timeBucketSql(bucket: keyof typeof BUCKET_NS): string {
  const size = BUCKET_NS[bucket];
  return `(intDiv(timestamp_ns, ${size}) * ${size})`;
}

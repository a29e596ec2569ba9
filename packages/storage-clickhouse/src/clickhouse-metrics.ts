import {
  MetricsAccumulator,
  type MetricsGroup,
  type MetricsQuery,
  type MetricsResult,
  type MetricsSeries,
  type MetricsSeriesQuery,
  SeriesAccumulator,
} from '@sightline/storage';
import { callFilterSql, metricsKeySql, timeBucketSql } from './call-filter-sql.js';
import type { ClickHouseDb } from './clickhouse-db.js';
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
}

interface SketchRow {
  k: string | null;
  at: string;
  which: number;
  bucket: number;
  n: string;
}

/**
 * Metrics over the calls that count, summed by ClickHouse per group (and time bucket): sums in
 * one query, and the quantile sketches' bucket counts (kept per call at ingest) in another, so
 * percentiles are those of the shared sketch, as every backend gives them.
 */
export class ClickHouseMetrics {
  constructor(private readonly db: ClickHouseDb) {}

  async metrics(q: MetricsQuery): Promise<MetricsResult> {
    const acc = new MetricsAccumulator(q.groupBy);
    await this.fill(q, metricsKeySql(q.groupBy), '0', (_at, key) => acc.group(key));
    return acc.result(q.limit);
  }

  async metricsSeries(q: MetricsSeriesQuery): Promise<MetricsSeries> {
    const acc = new SeriesAccumulator(q);
    const range = { ...q, from: acc.start, to: acc.end };
    await this.fill(range, metricsKeySql(q.splitBy), timeBucketSql(q.bucket), (at, key) => acc.cell(BigInt(at), key));
    return acc.result(q.limit);
  }

  /** Adds every group's sums and sketches to the group `groupOf` gives for its time bucket and key. */
  private async fill(
    q: MetricsQuery,
    keySql: string,
    atSql: string,
    groupOf: (at: string, key: string | null) => MetricsGroup | null,
  ): Promise<void> {
    const p = new SqlParams();
    const where = [...callFilterSql(q, p), 'counted = 1'].join(' AND ');
    const from = `FROM llm_calls FINAL WHERE ${where}`;
    const sums = await this.db.rows<SumsRow>(
      `SELECT ${keySql} AS k, toString(${atSql}) AS at, count() AS calls, countIf(is_error = 1) AS errors,
         sum(ifNull(input_tokens, 0)) AS input, sum(ifNull(output_tokens, 0)) AS output,
         sum(ifNull(cache_read_tokens, 0)) AS cache_read, sum(ifNull(cache_write_tokens, 0)) AS cache_write,
         sum(ifNull(reasoning_tokens, 0)) AS reasoning, sum(ifNull(total_tokens, 0)) AS total,
         sum(ifNull(cost_usd, 0)) AS cost, countIf(cost_usd IS NOT NULL) AS priced
       ${from} GROUP BY k, at`,
      p.values,
    );
    for (const r of sums)
      groupOf(r.at, r.k)?.addSums({
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
    const sketches = await this.db.rows<SketchRow>(
      `SELECT k, at, which, bucket, count() AS n FROM (
         SELECT ${keySql} AS k, toString(${atSql}) AS at,
           arrayJoin(arrayFilter(x -> isNotNull(x.2), [(0, CAST(latency_bucket AS Nullable(Int32))), (1, ttft_bucket), (2, rate_bucket)])) AS pair,
           pair.1 AS which, assumeNotNull(pair.2) AS bucket
         ${from})
       GROUP BY k, at, which, bucket`,
      p.values,
    );
    for (const r of sketches) {
      const g = groupOf(r.at, r.k);
      if (!g) continue;
      const sketch = r.which === 0 ? g.latency : r.which === 1 ? g.ttft : g.tokensPerS;
      sketch.addBucket(Number(r.bucket), Number(r.n));
    }
  }
}

import {
  BUCKET_NS,
  type MetricsGroup,
  type MetricsSeries,
  type MetricsSeriesQuery,
  rollupsAnswer,
  SeriesAccumulator,
} from '@sightline/storage';
import type Database from 'better-sqlite3';
import { callFiltersSql } from './call-query-sql.js';
import { splitAtHours } from './hour-split.js';
import { RAW_KEY, ROLLUP_KEY, rollupWhereSql } from './metrics-query.js';
import { mergedSketchSql, sketchBytes } from './sketch-sql.js';

const HOUR_NS = BUCKET_NS.hour;

/**
 * Answers series queries. Buckets are whole hours or days, but they sum only the calls in the
 * range, as the totals over it do: when the filters are ones the hourly rollups keep, the
 * range's whole hours are read from them (grouped by bucket and split value in SQL) and its
 * partial hours at either edge from the calls; other filters read the matching calls.
 */
export class SeriesQueries {
  constructor(private readonly db: Database.Database) {}

  run(q: MetricsSeriesQuery, projectId: number, traceKeys: readonly number[] | null): MetricsSeries {
    const acc = new SeriesAccumulator(q);
    // Rollups are hourly: minutes are read from the calls.
    const split = q.bucket !== 'minute' && traceKeys === null && rollupsAnswer(q) ? splitAtHours(q.from, q.to) : null;
    if (split) {
      this.addRollups(acc, q, projectId, split.first as bigint, split.last as bigint);
      for (const edge of split.edges) this.addCalls(acc, { ...q, ...edge }, projectId, null);
    } else this.addCalls(acc, q, projectId, traceKeys);
    return acc.result(q.limit);
  }

  /** The rollups' hours [first, last) of the range. */
  private addRollups(acc: SeriesAccumulator, q: MetricsSeriesQuery, projectId: number, first: bigint, last: bigint): void {
    const where = rollupWhereSql(q, projectId, first, last);
    const bucket = q.bucket === 'day' ? '(hour - hour % 24)' : 'hour';
    const split = q.splitBy ? ROLLUP_KEY[q.splitBy] : 'NULL';
    const sql = `SELECT ${bucket}, ${split}, sum(calls), sum(errors), sum(input_tokens), sum(output_tokens), total(cost_usd), sum(priced_calls),
                   ${mergedSketchSql('latency')}, ${mergedSketchSql('ttft')}
                 FROM llm_rollups WHERE ${where.sql} GROUP BY 1, 2`;
    for (const r of this.db
      .prepare(sql)
      .raw(true)
      .all(...where.params) as unknown[][]) {
      const g = acc.cell(BigInt(r[0] as number) * HOUR_NS, r[1] as string | null);
      if (!g) continue;
      g.addSums({
        calls: r[2] as number,
        errors: r[3] as number,
        inputTokens: r[4] as number,
        outputTokens: r[5] as number,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        totalTokens: 0,
        costUsd: r[6] as number,
        pricedCalls: r[7] as number,
      });
      g.latency.mergeEncoded(sketchBytes(r[8]));
      g.ttft.mergeEncoded(sketchBytes(r[9]));
    }
  }

  private addCalls(acc: SeriesAccumulator, q: MetricsSeriesQuery, projectId: number, traceKeys: readonly number[] | null): void {
    const filters = callFiltersSql(q, projectId, traceKeys);
    const split = q.splitBy ? RAW_KEY[q.splitBy] : 'NULL';
    const sql = `SELECT c.ts, ${split}, c.is_error, c.input_tokens, c.output_tokens, c.cost_usd, c.duration_ms, c.ttft_ms
                 FROM llm_calls c WHERE ${filters.sql} AND c.counted = 1`;
    const n = (v: unknown) => (v === null ? null : Number(v));
    for (const r of this.db
      .prepare(sql)
      .raw(true)
      .safeIntegers(true)
      .iterate(...filters.params) as Iterable<unknown[]>) {
      const g: MetricsGroup | null = acc.cell(r[0] as bigint, r[1] === null ? null : String(r[1]));
      g?.add({
        isError: Number(r[2]) === 1,
        inputTokens: n(r[3]),
        outputTokens: n(r[4]),
        cacheReadTokens: null,
        cacheWriteTokens: null,
        reasoningTokens: null,
        totalTokens: null,
        costUsd: n(r[5]),
        durationMs: Number(r[6]),
        ttftMs: n(r[7]),
        tokensPerS: null,
      });
    }
  }
}

import {
  MetricsAccumulator,
  type MetricsGroupBy,
  type MetricsQuery,
  type MetricsResult,
  type RollupGroupBy,
  rollupsAnswer,
  timeBucket,
} from '@sightline/storage';
import type Database from 'better-sqlite3';
import type { SqlFragment } from './attribute-filter-sql.js';
import { callFiltersSql } from './call-query-sql.js';
import { splitAtHours } from './hour-split.js';
import { KeyMetricsQueries, usesKeyRollups } from './key-metrics-query.js';
import { MERGED_SKETCHES_SQL, sketchBytes } from './sketch-sql.js';

const HOUR_NS = 3_600_000_000_000n;

/**
 * The SQL expression a rollup row is grouped by. Hours and days are grouped as hours since the
 * epoch (days: their first hour); empty strings stand for unknown.
 */
export const ROLLUP_KEY: Record<RollupGroupBy, string> = {
  model: "COALESCE(NULLIF(model, ''), NULLIF(request_model, ''))",
  provider: "NULLIF(provider, '')",
  service: "NULLIF(service, '')",
  route: "NULLIF(route, '')",
  operation: "NULLIF(operation, '')",
  hour: 'hour',
  day: '(hour - hour % 24)',
};

/**
 * Sums per group, and each group's sketches merged (see `mergedSketchSql`). Aggregating
 * in SQL keeps a query over months of hours to a few result rows.
 */
const ROLLUP_COLUMNS = `sum(calls), sum(errors), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens),
  sum(cache_write_tokens), sum(reasoning_tokens), sum(total_tokens), total(cost_usd), sum(priced_calls),
  ${MERGED_SKETCHES_SQL}`;

/** The SQL expression of the group a raw call falls in. */
export const RAW_KEY: Record<MetricsGroupBy, string> = {
  model: 'COALESCE(c.model, c.request_model)',
  provider: 'c.provider',
  service: 'c.service',
  route: 'c.route',
  operation: 'c.operation',
  session: 'c.session_id',
  user: 'c.user_id',
  hour: 'c.ts',
  day: 'c.ts',
};

/**
 * Answers metrics queries: from the hourly rollups for the whole hours of the range when the
 * filters allow (and from the calls themselves for the partial hours at its edges), by session
 * or user from the per-key rollups, else by reading the matching calls.
 */
export class MetricsQueries {
  private readonly byKey: KeyMetricsQueries;

  constructor(private readonly db: Database.Database) {
    this.byKey = new KeyMetricsQueries(
      db,
      (acc, q, projectId) => this.addRaw(acc, q, projectId, null),
      (q, projectId) => this.run(q, projectId, null).total,
    );
  }

  run(q: MetricsQuery, projectId: number, traceKeys: readonly number[] | null): MetricsResult {
    if (traceKeys === null && usesKeyRollups(q)) return this.byKey.run(q, projectId);
    const acc = new MetricsAccumulator(q.groupBy, q.rankBy);
    if (traceKeys === null && rollupsAnswer(q)) {
      const split = splitAtHours(q.from, q.to);
      if (split) {
        this.addRollups(acc, q, projectId, split.first, split.last);
        for (const edge of split.edges) this.addRaw(acc, { ...q, ...edge }, projectId, null);
        return acc.result(q.limit);
      }
    }
    this.addRaw(acc, q, projectId, traceKeys);
    return acc.result(q.limit);
  }

  private addRollups(
    acc: MetricsAccumulator,
    q: MetricsQuery & { groupBy?: RollupGroupBy },
    projectId: number,
    first: bigint | null,
    last: bigint | null,
  ): void {
    const where = rollupWhereSql(q, projectId, first, last);
    const groupBy = q.groupBy;
    const key = groupBy ? ROLLUP_KEY[groupBy] : 'NULL';
    const sql = `SELECT ${key}, ${ROLLUP_COLUMNS} FROM llm_rollups WHERE ${where.sql} GROUP BY 1`;
    const rows = this.db
      .prepare(sql)
      .raw(true)
      .all(...where.params) as unknown[][];
    for (const r of rows) {
      const k = r[0] as string | number | null;
      const groupKey = groupBy === 'hour' || groupBy === 'day' ? String(BigInt(k as number) * HOUR_NS) : (k as string | null);
      const group = acc.group(groupKey);
      group.addSums({
        calls: r[1] as number,
        errors: r[2] as number,
        inputTokens: r[3] as number,
        outputTokens: r[4] as number,
        cacheReadTokens: r[5] as number,
        cacheWriteTokens: r[6] as number,
        reasoningTokens: r[7] as number,
        totalTokens: r[8] as number,
        costUsd: r[9] as number,
        pricedCalls: r[10] as number,
      });
      group.latency.mergeEncoded(sketchBytes(r[11]));
      group.ttft.mergeEncoded(sketchBytes(r[12]));
      group.tokensPerS.mergeEncoded(sketchBytes(r[13]));
    }
  }

  private addRaw(acc: MetricsAccumulator, q: MetricsQuery, projectId: number, traceKeys: readonly number[] | null): void {
    const filters = callFiltersSql(q, projectId, traceKeys);
    const key = q.groupBy ? RAW_KEY[q.groupBy] : 'NULL';
    const sql = `SELECT ${key}, c.is_error, c.input_tokens, c.output_tokens, c.cache_read_tokens, c.cache_write_tokens, c.reasoning_tokens,
                   c.total_tokens, c.cost_usd, c.duration_ms, c.ttft_ms, c.tokens_per_s
                 FROM llm_calls c WHERE ${filters.sql} AND c.counted = 1`;
    const stmt = this.db
      .prepare(sql)
      .raw(true)
      .safeIntegers(q.groupBy === 'hour' || q.groupBy === 'day');
    const n = (v: unknown) => (v === null ? null : Number(v));
    for (const r of stmt.iterate(...filters.params) as Iterable<unknown[]>) {
      const k = r[0];
      const groupKey =
        q.groupBy === 'hour' || q.groupBy === 'day' ? String(timeBucket(k as bigint, q.groupBy)) : k === null ? null : String(k);
      acc.group(groupKey).add({
        isError: Number(r[1]) === 1,
        inputTokens: n(r[2]),
        outputTokens: n(r[3]),
        cacheReadTokens: n(r[4]),
        cacheWriteTokens: n(r[5]),
        reasoningTokens: n(r[6]),
        totalTokens: n(r[7]),
        costUsd: n(r[8]),
        durationMs: Number(r[9]),
        ttftMs: n(r[10]),
        tokensPerS: n(r[11]),
      });
    }
  }
}

/** The `llm_rollups` rows of a project's hours `[first, last)` (null: open) that pass the filters rollups keep. */
export function rollupWhereSql(q: MetricsQuery, projectId: number, first: bigint | null, last: bigint | null): SqlFragment {
  const where = ['project_id = ?'];
  const params: unknown[] = [projectId];
  if (first !== null) {
    where.push('hour >= ?');
    params.push(first);
  }
  if (last !== null) {
    where.push('hour < ?');
    params.push(last);
  }
  for (const [column, value] of [
    ['provider', q.provider],
    ['operation', q.operation],
    ['service', q.service],
    ['route', q.route],
  ] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (q.model !== undefined) {
    where.push('(model = ? OR request_model = ?)');
    params.push(q.model, q.model);
  }
  return { sql: where.join(' AND '), params };
}

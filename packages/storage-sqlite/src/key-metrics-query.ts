import {
  compareGroups,
  DEFAULT_METRICS_GROUPS,
  filtersWithin,
  MetricsAccumulator,
  MetricsGroup,
  type MetricsQuery,
  type MetricsResult,
  type MetricsRow,
} from '@sightline/storage';
import type Database from 'better-sqlite3';
import { KEY_KIND } from './key-rollup-writer.js';
import { MERGED_SKETCHES_SQL, sketchBytes } from './sketch-sql.js';
import { segmentRowsSql, timeSegments } from './time-segments.js';

/** Filters the key rollups can answer. */
const KEY_FILTERS = new Set(['from', 'to']);

/** Whether a metrics query can be answered from `llm_key_rollups`: by session or user, over a time range at most. */
export function usesKeyRollups(q: MetricsQuery): q is MetricsQuery & { groupBy: 'session' | 'user' } {
  return (q.groupBy === 'session' || q.groupBy === 'user') && filtersWithin(q, KEY_FILTERS);
}

const SUM_COLUMNS = `sum(calls), sum(errors), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
  sum(reasoning_tokens), sum(total_tokens), total(cost_usd), sum(priced_calls)`;
/** Where the calls and the cost are among {@link SUM_COLUMNS}. */
const SUM_CALLS = 0;
const SUM_COST = 8;

/**
 * Metrics by session or user from the per-key rollups: the sums of every key first (a few
 * numbers per key and day), the calls of partial hours at the range's edges added, then the
 * sketches of only the keys shown. The total is the shown groups together when every key is
 * shown, else it comes from the hourly rollups (`total`).
 */
export class KeyMetricsQueries {
  constructor(
    private readonly db: Database.Database,
    /** Adds the calls of a partial range, read from the calls themselves. */
    private readonly addCalls: (acc: MetricsAccumulator, q: MetricsQuery, projectId: number) => void,
    /** The total of the query's range. */
    private readonly total: (q: MetricsQuery, projectId: number) => MetricsRow,
  ) {}

  run(q: MetricsQuery & { groupBy: 'session' | 'user' }, projectId: number): MetricsResult {
    const segments = timeSegments(q.from, q.to, foldedUntil(this.db, projectId));
    const spans = segmentRowsSql(segments);
    const base = 'project_id = ? AND kind = ?';
    const baseParams = [projectId, KEY_KIND[q.groupBy]];
    const sums = new Map<string | null, number[]>();
    for (const rows of spans) {
      const stmt = this.db.prepare(`SELECT key, ${SUM_COLUMNS} FROM llm_key_rollups WHERE ${base} AND ${rows.sql} GROUP BY key`).raw(true);
      for (const r of stmt.all(...baseParams, ...rows.params) as unknown[][]) {
        const key = keyOf(r[0]);
        const s = r.slice(1) as number[];
        const before = sums.get(key);
        sums.set(key, before ? before.map((v, i) => v + (s[i] as number)) : s);
      }
    }
    const edges = new MetricsAccumulator(q.groupBy);
    for (const p of segments.partial) this.addCalls(edges, { project: q.project, groupBy: q.groupBy, from: p.from, to: p.to }, projectId);
    // What the keys are ranked by: their calls and cost, from the sums and the edges.
    const figures = (key: string | null) => ({
      calls: (sums.get(key)?.[SUM_CALLS] ?? 0) + (edges.groups.get(key)?.calls ?? 0),
      costUsd: (sums.get(key)?.[SUM_COST] ?? 0) + (edges.groups.get(key)?.costUsd ?? 0),
    });
    const all = [...new Set([...sums.keys(), ...edges.groups.keys()])]
      .map((key) => ({ key, ...figures(key) }))
      .filter((k) => k.calls > 0)
      .sort((a, b) => compareGroups(a.key, a, b.key, b, q.rankBy ?? 'calls'))
      .map((k) => k.key);
    const shown = all.slice(0, q.limit ?? DEFAULT_METRICS_GROUPS);
    const everyKey = shown.length === all.length;
    const groups = new Map<string | null, MetricsGroup>();
    for (const key of shown) {
      const g = new MetricsGroup();
      const s = sums.get(key);
      if (s) addSums(g, s);
      const edge = edges.groups.get(key);
      if (edge) g.merge(edge);
      groups.set(key, g);
    }
    const keys = shown.map((k) => k ?? '');
    const only = everyKey ? '' : ` AND key IN (${keys.map(() => '?').join(', ')})`;
    for (const rows of shown.length ? spans : []) {
      const stmt = this.db
        .prepare(`SELECT key, ${MERGED_SKETCHES_SQL} FROM llm_key_rollups WHERE ${base} AND ${rows.sql}${only} GROUP BY key`)
        .raw(true);
      for (const r of stmt.all(...baseParams, ...rows.params, ...(everyKey ? [] : keys)) as unknown[][]) {
        const g = groups.get(keyOf(r[0]));
        g?.latency.mergeEncoded(sketchBytes(r[1]));
        g?.ttft.mergeEncoded(sketchBytes(r[2]));
        g?.tokensPerS.mergeEncoded(sketchBytes(r[3]));
      }
    }
    let total: MetricsRow;
    if (everyKey) {
      const sum = new MetricsGroup();
      for (const g of groups.values()) sum.merge(g);
      total = sum.toRow(null);
    } else total = this.total({ project: q.project, from: q.from, to: q.to }, projectId);
    return { groups: shown.map((key) => (groups.get(key) as MetricsGroup).toRow(key)), total };
  }
}

/** The hour before which the project's days have day rows (null: none has), see key-rollup-writer.ts. */
export function foldedUntil(db: Database.Database, projectId: number): number | null {
  return (db.prepare('SELECT folded_until FROM llm_key_folds WHERE project_id = ?').pluck().get(projectId) as number | undefined) ?? null;
}

/** A stored key ('' for none) as a group key. */
function keyOf(stored: unknown): string | null {
  return stored === '' || stored === null ? null : String(stored);
}

function addSums(g: MetricsGroup, s: number[]): void {
  g.addSums({
    calls: s[SUM_CALLS] as number,
    errors: s[1] as number,
    inputTokens: s[2] as number,
    outputTokens: s[3] as number,
    cacheReadTokens: s[4] as number,
    cacheWriteTokens: s[5] as number,
    reasoningTokens: s[6] as number,
    totalTokens: s[7] as number,
    costUsd: s[SUM_COST] as number,
    pricedCalls: s[9] as number,
  });
}

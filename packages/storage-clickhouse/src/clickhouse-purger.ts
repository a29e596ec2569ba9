import type { CallCost, PricedFields } from '@sightline/core';
import type { Purger, RepriceResult, Repricer, RetentionCutoff, RetentionStep } from '@sightline/storage';
import { type CallRow, callToRow, costOf, decidedOf, originalOf, sessionDetailsOfRow } from './call-row.js';
import type { ClickHouseDb } from './clickhouse-db.js';
import { HOUR_NS, HourMarks, hoursBetween, insertCalls } from './clickhouse-rollups.js';
import type { ClickHouseWriter } from './clickhouse-writer.js';

/** Trace ids deleted per statement. */
const DELETE_CHUNK = 2_000;

/** Calls priced again per step. */
const REPRICE_PAGE = 5_000;

/** Where OTLP metric points are deleted by age (see `ClickHouseOtelMetrics`). */
export interface MetricPointPurger {
  deleteBefore(project: string, beforeUnixNano: bigint, most: number): Promise<number>;
}

/**
 * Deleting and repricing in ClickHouse. A trace goes whole, from every table, with lightweight
 * deletes (rows vanish from reads at once; parts are rewritten in the background). Repricing
 * writes the calls whose cost changed again, at the same version (the later row wins), and
 * summarizes their traces again.
 */
export class ClickHousePurger implements Purger, Repricer {
  constructor(
    private readonly db: ClickHouseDb,
    private readonly writer: ClickHouseWriter,
    private readonly metrics: MetricPointPurger | null,
    private readonly assertOpen: () => void,
  ) {}

  async deleteTraces(project: string, traceIds: readonly string[]): Promise<number> {
    this.assertOpen();
    if (traceIds.length === 0) return 0;
    const params = { project, ids: [...traceIds] };
    const [row] = await this.db.rows<{ n: string }>(
      `SELECT count() AS n FROM (SELECT 1 FROM spans WHERE project = {project:String} AND trace_id IN {ids:Array(String)}
       LIMIT 1 BY trace_id, span_id)`,
      params,
    );
    // The hours of the traces' calls, and every hour the traces span (their summaries go last, so
    // a delete cut short and tried again still finds them), are marked changed once the calls are
    // gone — also when a delete fails part way (see `HourMarks`).
    const marks = new HourMarks();
    const callHours = await this.db.rows<{ hour: string }>(
      `SELECT DISTINCT intDiv(timestamp_ns, ${HOUR_NS}) AS hour FROM llm_calls WHERE project = {project:String} AND trace_id IN {ids:Array(String)}`,
      params,
    );
    marks.add(
      project,
      callHours.map((r) => Number(r.hour)),
    );
    const traces = await this.db.rows<{ start_ns: string; end_ns: string }>(
      'SELECT start_ns, end_ns FROM traces FINAL WHERE project = {project:String} AND trace_id IN {ids:Array(String)}',
      params,
    );
    for (const t of traces) marks.add(project, hoursBetween(t.start_ns, t.end_ns));
    try {
      for (const table of ['spans', 'span_search', 'llm_calls'])
        await this.db.delete(table, 'project = {project:String} AND trace_id IN {ids:Array(String)}', params);
    } finally {
      await marks.write(this.db);
    }
    for (const table of ['logs', 'traces'])
      await this.db.delete(table, 'project = {project:String} AND trace_id IN {ids:Array(String)}', params);
    return Number(row?.n ?? 0);
  }

  async deleteExpired(nowUnixNano: bigint): Promise<number> {
    this.assertOpen();
    const rows = await this.db.rows<{ project: string; trace_id: string }>(
      'SELECT project, trace_id FROM traces FINAL WHERE expires_at_ns IS NOT NULL AND expires_at_ns <= {now:Int64}',
      { now: String(nowUnixNano) },
    );
    return this.deleteEach(rows);
  }

  private async deleteEach(rows: readonly { project: string; trace_id: string }[]): Promise<number> {
    const byProject = new Map<string, string[]>();
    for (const r of rows) {
      const ids = byProject.get(r.project) ?? [];
      ids.push(r.trace_id);
      byProject.set(r.project, ids);
    }
    let spans = 0;
    // A bounded list per statement: query parameters travel in the request's URL.
    for (const [project, ids] of byProject)
      for (let i = 0; i < ids.length; i += DELETE_CHUNK) spans += await this.deleteTraces(project, ids.slice(i, i + DELETE_CHUNK));
    return spans;
  }

  async deleteOlderThan(cutoffs: readonly RetentionCutoff[], maxTraces: number): Promise<RetentionStep> {
    this.assertOpen();
    if (cutoffs.length === 0) return { traces: 0, spans: 0, logs: 0, metricPoints: 0 };
    const old: { project: string; trace_id: string; start_ns: string }[] = [];
    for (const c of cutoffs)
      old.push(
        ...(await this.db.rows<{ project: string; trace_id: string; start_ns: string }>(
          `SELECT project, trace_id, start_ns FROM traces FINAL WHERE project = {project:String} AND start_ns < {before:Int64}
           ORDER BY start_ns LIMIT {most:UInt32}`,
          { project: c.project, before: String(c.beforeUnixNano), most: maxTraces },
        )),
      );
    const oldest = old.sort((a, b) => (BigInt(a.start_ns) < BigInt(b.start_ns) ? -1 : 1)).slice(0, maxTraces);
    const spans = await this.deleteEach(oldest);
    const most = maxTraces * 10;
    let logs = 0;
    let metricPoints = 0;
    for (const c of cutoffs) {
      if (logs < most) logs += await this.deleteLogs(c, most - logs);
      if (this.metrics && metricPoints < most)
        metricPoints += await this.metrics.deleteBefore(c.project, c.beforeUnixNano, most - metricPoints);
    }
    return { traces: oldest.length, spans, logs, metricPoints };
  }

  /** Deletes up to `most` of the project's log records older than the cutoff; returns how many. */
  private async deleteLogs(c: RetentionCutoff, most: number): Promise<number> {
    const params = { project: c.project, before: String(c.beforeUnixNano), most };
    const rows = await this.db.rows<{ fingerprint: string }>(
      `SELECT DISTINCT fingerprint FROM logs WHERE project = {project:String} AND time_ns < {before:Int64} LIMIT {most:UInt32}`,
      params,
    );
    if (rows.length === 0) return 0;
    await this.db.delete('logs', 'project = {project:String} AND fingerprint IN {prints:Array(String)}', {
      project: c.project,
      prints: rows.map((r) => r.fingerprint),
    });
    return rows.length;
  }

  async dataProjects(): Promise<string[]> {
    this.assertOpen();
    const rows = await this.db.rows<{ project: string }>('SELECT DISTINCT project FROM traces ORDER BY project');
    return rows.map((r) => r.project);
  }

  async repriceCalls(price: (call: PricedFields) => CallCost): Promise<RepriceResult> {
    this.assertOpen();
    let calls = 0;
    let changed = 0;
    let after = ['', '', ''];
    for (;;) {
      const rows = await this.db.rows<CallRow>(
        `SELECT * FROM llm_calls FINAL WHERE (project, trace_id, span_id) > ({p:String}, {t:String}, {s:String})
         ORDER BY project, trace_id, span_id LIMIT ${REPRICE_PAGE}`,
        { p: after[0], t: after[1], s: after[2] },
      );
      if (rows.length === 0) break;
      const last = rows[rows.length - 1] as CallRow;
      after = [last.project, last.trace_id, last.span_id];
      const rewritten: CallRow[] = [];
      const traces = new Map<string, Set<string>>();
      for (const row of rows) {
        calls++;
        const original = originalOf(row);
        const before = costOf(row);
        const cost = price(original);
        if (cost.costUsd === before.costUsd && cost.costSource === before.costSource && cost.priceModel === before.priceModel) continue;
        changed++;
        rewritten.push(callToRow(row.project, original, decidedOf(row), cost, sessionDetailsOfRow(row), Number(row.version)));
        const ids = traces.get(row.project) ?? new Set<string>();
        ids.add(row.trace_id);
        traces.set(row.project, ids);
      }
      await insertCalls(this.db, rewritten);
      for (const [project, ids] of traces) await this.writer.summarize(project, [...ids]);
    }
    return { calls, changed };
  }
}

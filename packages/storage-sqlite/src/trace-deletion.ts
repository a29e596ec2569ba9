import type Database from 'better-sqlite3';
import { CALLS_PER_TRACE } from './call-ids.js';
import type { CallWriter } from './call-writer.js';
import type { IdIndex } from './id-index/id-index.js';
import type { SpanNameWriter } from './span-name-writer.js';
import { CALL_TOTAL_COLUMNS, type TraceTotalsRow, totalsOf, traceIndexKey } from './trace-totals-row.js';
import type { Deleted, Deletion } from './writer-protocol.js';

/** A trace's log records, found by the trace (see `LOGS_OF_TRACE_SQL`). */
export const DELETE_TRACE_LOGS_SQL = 'DELETE FROM logs WHERE trace_id = ? AND +project_id = ?';
/** A project's oldest log records before a time, by `logs_by_time`. */
export const OLD_LOGS_SQL = 'SELECT id FROM logs WHERE project_id = ? AND time_ns < ? LIMIT ?';

/**
 * Removing whole traces on the writer's connection, inside the writer's transactions: expiry,
 * retention and deletion on request. A trace goes with its spans, LLM calls (and their share of
 * sessions, users and rollups), search text and log records; retention also takes a project's
 * old log records and metric points.
 */
export class TraceDeletion {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly calls: CallWriter,
    private readonly spanNames: SpanNameWriter,
    private readonly traceIds: IdIndex,
    private readonly spanIds: IdIndex,
  ) {
    this.stmts = {
      deleteSearch: db.prepare('DELETE FROM span_search WHERE rowid = ?'),
      removedTrace: db
        .prepare(`SELECT project_id, trace_id, span_count, ${CALL_TOTAL_COLUMNS} FROM traces WHERE id = ?`)
        .safeIntegers(true),
      expired: db
        .prepare('SELECT id FROM traces WHERE expires_at_ns IS NOT NULL AND expires_at_ns <= ? LIMIT 1000')
        .pluck()
        .safeIntegers(true),
      deleteSpans: db.prepare('DELETE FROM spans WHERE trace_key = ?'),
      deleteTrace: db.prepare('DELETE FROM traces WHERE id = ?'),
      minTraceKey: db.prepare('SELECT min(id) FROM traces').pluck(),
      projectByName: db.prepare('SELECT id FROM projects WHERE name = ?').pluck(),
      oldTraces: db
        .prepare('SELECT id FROM traces WHERE project_id = ? AND start_ns < ? ORDER BY start_ns LIMIT ?')
        .pluck()
        .safeIntegers(true),
      traceKeyOf: db.prepare('SELECT id FROM traces WHERE id = ? AND project_id = ? AND trace_id = ?').pluck().safeIntegers(true),
      deleteLogs: db.prepare(DELETE_TRACE_LOGS_SQL),
      oldLogs: db.prepare(`DELETE FROM logs WHERE id IN (${OLD_LOGS_SQL})`),
      oldPoints: db.prepare(
        `DELETE FROM metric_points WHERE (series_id, time_ns) IN (
           SELECT p.series_id, p.time_ns FROM metric_series s JOIN metric_points p ON p.series_id = s.id
           WHERE s.project_id = ? AND p.time_ns < ? LIMIT ?)`,
      ),
    };
  }

  /** Deletes traces by id, or one bounded step of retention (see `Purger`). */
  apply(deletion: Deletion): Deleted {
    let traces = 0;
    let spans = 0;
    let logs = 0;
    let metricPoints = 0;
    if (deletion.kind === 'traces') {
      const projectId = this.stmts.projectByName.get(deletion.project) as number | undefined;
      if (projectId === undefined) return { traces, spans, logs, metricPoints };
      for (const hex of deletion.traceIds) {
        const traceId = Buffer.from(hex, 'hex');
        let stored = false;
        for (const key of this.traceIds.lookup(traceIndexKey(projectId, traceId))) {
          const found = this.stmts.traceKeyOf.get(key, projectId, traceId) as bigint | undefined;
          if (found === undefined) continue;
          spans += this.removeTrace(found);
          traces++;
          stored = true;
        }
        // Records of a trace whose spans never arrived go too (a stored trace's went with it).
        if (!stored) logs += this.stmts.deleteLogs.run(traceId, projectId).changes;
      }
    } else {
      const most = deletion.maxTraces * 10;
      for (const cutoff of deletion.cutoffs) {
        const projectId = this.stmts.projectByName.get(cutoff.project) as number | undefined;
        if (projectId === undefined) continue;
        const ids = this.stmts.oldTraces.all(projectId, cutoff.beforeUnixNano, deletion.maxTraces - traces) as bigint[];
        for (const id of ids) {
          spans += this.removeTrace(id);
          traces++;
        }
        if (logs < most) logs += this.stmts.oldLogs.run(projectId, cutoff.beforeUnixNano, most - logs).changes;
        if (metricPoints < most) metricPoints += this.stmts.oldPoints.run(projectId, cutoff.beforeUnixNano, most - metricPoints).changes;
        if (traces >= deletion.maxTraces) break;
      }
    }
    this.calls.flush();
    this.spanNames.flush();
    return { traces, spans, logs, metricPoints };
  }

  /** Removes a stored trace and its share of every total; returns how many spans went. */
  private removeTrace(id: bigint): number {
    // One read of the trace's row: what its calls added up to, its id, how many spans it indexed.
    const row = this.stmts.removedTrace.get(id) as
      | (TraceTotalsRow & { project_id: bigint; trace_id: Uint8Array; span_count: bigint; session_key: bigint | null })
      | undefined;
    if (row) {
      this.calls.remove(Number(row.project_id), Number(id), {
        totals: totalsOf(row),
        sessionKey: row.session_key === null ? null : Number(row.session_key),
      });
      this.spanNames.removeTrace(Number(row.project_id), Number(id));
      const indexed = Math.min(Number(row.span_count), CALLS_PER_TRACE);
      for (let ordinal = 0; ordinal < indexed; ordinal++) this.stmts.deleteSearch.run(Number(id) * CALLS_PER_TRACE + ordinal);
      // The trace's log records go with it (expiry, retention and deletion alike).
      this.stmts.deleteLogs.run(row.trace_id, row.project_id);
      this.calls.bounds.removedTrace(Number(row.project_id), Number(id));
    }
    const removed = this.stmts.deleteSpans.run(id).changes;
    this.stmts.deleteTrace.run(id);
    return removed;
  }

  /** One bounded round of deletion; -1 when nothing was left to delete. */
  expire(now: bigint): number {
    const ids = this.stmts.expired.all(now) as bigint[];
    if (ids.length === 0) {
      const min = this.stmts.minTraceKey.get() as number | null;
      const floor = min ?? Number.MAX_SAFE_INTEGER;
      this.traceIds.dropBelow(floor);
      this.spanIds.dropBelow(floor);
      return -1;
    }
    let removed = 0;
    for (const id of ids) removed += this.removeTrace(id);
    this.calls.flush();
    this.spanNames.flush();
    return removed;
  }
}

import {
  DEFAULT_SESSION_CALLS,
  decodeCursor,
  encodeCursor,
  type GetSessionQuery,
  parseBigIntValue,
  type StoredCall,
  type TraceSummary,
} from '@sightline/storage';
import type Database from 'better-sqlite3';
import { CALLS_PER_TRACE } from './call-ids.js';
import type { CallRow } from './call-rows.js';
import { TRACE_SUMMARY_COLUMNS } from './trace-query-sql.js';

/** A session's traces and their bounds: read from `traces_by_session_bounds` alone (schema 11). */
export const SESSION_TRACE_BOUNDS_SQL = 'SELECT id, start_ns, end_ns FROM traces WHERE session_key = ?';

/** A call's place in a session's order: its time, then its row id. */
type Place = readonly [ts: bigint, id: bigint];

/**
 * Pages of a session's calls in time order, reading only what a page needs. A call's time lies
 * within its trace's [start, end], so the traces are walked by start (by end, newest first)
 * and the walk stops once the next trace can only hold calls after (before) the page's last.
 * Each trace's calls are a range of row ids (see call-ids.ts); only the page's calls are read
 * whole. The cost is one pass over the session's trace bounds plus about a page of calls.
 */
export class SessionPages {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly toSummary: (project: string, row: unknown) => TraceSummary,
    private readonly withContent: (row: CallRow, project: string) => StoredCall,
  ) {
    this.stmts = {
      bounds: db.prepare(SESSION_TRACE_BOUNDS_SQL).raw(true).safeIntegers(true),
      places: db.prepare('SELECT ts, id FROM llm_calls WHERE id BETWEEN ? AND ?').raw(true).safeIntegers(true),
      call: db.prepare('SELECT c.*, t.trace_id FROM llm_calls c JOIN traces t ON t.id = c.trace_key WHERE c.id = ?').safeIntegers(true),
      trace: db.prepare(`SELECT ${TRACE_SUMMARY_COLUMNS} FROM traces t WHERE t.id = ?`).safeIntegers(true),
    };
  }

  /** The page `q` asks for of the session whose row is `sessionKey` (inside a read transaction). */
  page(sessionKey: number, q: GetSessionQuery): { traces: TraceSummary[]; calls: StoredCall[]; nextCursor: string | null } {
    const direction = q.order ?? 'asc';
    const asc = direction === 'asc';
    const limit = q.limit ?? DEFAULT_SESSION_CALLS;
    const order = { field: 'timestamp', direction } as const;
    let after: Place | null = null;
    if (q.cursor !== undefined) {
      const position = decodeCursor(q.cursor, order);
      after = [parseBigIntValue(position.value), BigInt(position.key)];
    }
    const before = (a: Place, b: Place) =>
      asc ? a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]) : a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
    let traces = this.stmts.bounds.all(sessionKey) as [bigint, bigint, bigint][];
    if (after) {
      const t = after[0];
      traces = traces.filter(([, start, end]) => (asc ? end >= t : start <= t));
    }
    traces.sort(asc ? (a, b) => cmp(a[1], b[1]) || cmp(a[0], b[0]) : (a, b) => cmp(b[2], a[2]) || cmp(b[0], a[0]));
    // The page and the call after it (to know whether there is a next page), best first.
    let picked: Place[] = [];
    for (const [key, start, end] of traces) {
      const last = picked[limit];
      if (last && (asc ? start > last[0] : end < last[0])) break;
      const first = key * BigInt(CALLS_PER_TRACE);
      for (const place of this.stmts.places.all(first, first + BigInt(CALLS_PER_TRACE - 1)) as Place[])
        if (!after || before(after, place)) picked.push(place);
      if (picked.length > limit) picked = picked.sort((a, b) => (before(a, b) ? -1 : 1)).slice(0, limit + 1);
    }
    picked.sort((a, b) => (before(a, b) ? -1 : 1));
    const page = picked.slice(0, limit);
    const calls = page.map(([, id]) => this.withContent(this.stmts.call.get(id) as CallRow, q.project));
    const sign = asc ? 1 : -1;
    const summaries = [...new Set(page.map(([, id]) => id / BigInt(CALLS_PER_TRACE)))]
      .map((key) => ({ key, summary: this.toSummary(q.project, this.stmts.trace.get(key)) }))
      .sort((a, b) => sign * (cmp(a.summary.startTimeUnixNano, b.summary.startTimeUnixNano) || cmp(a.key, b.key)))
      .map((t) => t.summary);
    const end = page[page.length - 1];
    const nextCursor = picked.length > limit && end ? encodeCursor(order, { value: String(end[0]), key: String(end[1]) }) : null;
    return { traces: summaries, calls, nextCursor };
  }
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import { mergeSessionDetails, type SessionDetails } from '@sightline/core';
import type { CallTotals } from '@sightline/storage';
import type Database from 'better-sqlite3';
import { callsOfTraceSql } from './call-ids.js';

const CACHE_LIMIT = 10_000;

/** A trace's place in a session: the session row it counts in, and what it adds. */
export interface SessionShare {
  readonly key: number | null;
  readonly totals: CallTotals;
}

/** Changes to one session gathered during a batch. */
interface SessionDelta {
  traces: number;
  calls: number;
  errors: number;
  /** [value, known] pairs for input, output and total tokens, and cost. */
  readonly sums: Float64Array;
  first: bigint | null;
  last: bigint | null;
  readonly users: Set<string>;
  /** What new calls said of the session (name, labels). */
  details: SessionDetails | null;
}

const SUMS = 4;

/**
 * Keeps `sessions` and `session_users` in step with their traces. A session's totals are the
 * sums of its traces' totals, kept by adding each trace's change; changes are gathered per
 * session during a batch and applied at its end. A session that lost a trace (to another
 * session, or deleted) has its bounds and users recomputed then; an emptied one is deleted.
 */
export class SessionWriter {
  private readonly keys = new Map<string, number>();
  private readonly deltas = new Map<number, SessionDelta>();
  private readonly stale = new Set<number>();
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      find: db.prepare('SELECT id FROM sessions WHERE project_id = ? AND session_id = ?').pluck(),
      insert: db.prepare(
        `INSERT INTO sessions (project_id, session_id, first_ns, last_ns, trace_count, call_count, error_count, input_tokens, input_known,
           output_tokens, output_known, total_tokens, total_known, cost_usd, cost_known) VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)`,
      ),
      apply: db.prepare(
        `UPDATE sessions SET trace_count = trace_count + ?, call_count = call_count + ?, error_count = error_count + ?,
           input_tokens = input_tokens + ?, input_known = input_known + ?, output_tokens = output_tokens + ?, output_known = output_known + ?,
           total_tokens = total_tokens + ?, total_known = total_known + ?, cost_usd = cost_usd + ?, cost_known = cost_known + ?,
           first_ns = min(first_ns, coalesce(?, first_ns)), last_ns = max(last_ns, coalesce(?, last_ns)) WHERE id = ?`,
      ),
      addUser: db.prepare('INSERT OR IGNORE INTO session_users (session_key, user_id) VALUES (?, ?)'),
      traceCount: db.prepare('SELECT trace_count FROM sessions WHERE id = ?').pluck(),
      bounds: db.prepare(
        'UPDATE sessions SET (first_ns, last_ns) = (SELECT min(start_ns), max(end_ns) FROM traces WHERE session_key = @key) WHERE id = @key',
      ),
      clearUsers: db.prepare('DELETE FROM session_users WHERE session_key = ?'),
      refillUsers: db.prepare(
        `INSERT OR IGNORE INTO session_users (session_key, user_id) SELECT @key, c.user_id FROM traces t JOIN llm_calls c ON ${callsOfTraceSql('t.id')}
           WHERE t.session_key = @key AND c.counted = 1 AND c.user_id IS NOT NULL`,
      ),
      delete: db.prepare('DELETE FROM sessions WHERE id = ?'),
      // A name is kept once given; a label's first value stays (json_patch lets the second object win).
      describe: db.prepare("UPDATE sessions SET name = coalesce(name, ?), labels = json_patch(?, coalesce(labels, '{}')) WHERE id = ?"),
    };
  }

  /**
   * Moves a trace's share from `before` to the session `after` names (if any); returns the
   * session row the trace now counts in. `users` are the users of its calls that count.
   */
  move(
    projectId: number,
    trace: { readonly start: bigint; readonly end: bigint },
    before: SessionShare,
    after: CallTotals,
    users: Iterable<string>,
    details: SessionDetails | null = null,
  ): number | null {
    const key = after.sessionId === null ? null : this.keyFor(projectId, after.sessionId, trace.start, trace.end);
    if (key !== null && key === before.key) {
      this.add(key, before.totals, after, 0);
    } else {
      if (before.key !== null) {
        this.add(before.key, before.totals, null, -1);
        this.stale.add(before.key);
      }
      if (key !== null) this.add(key, null, after, 1);
    }
    if (key !== null) {
      const d = this.deltaOf(key);
      this.widen(d, trace);
      for (const user of users) d.users.add(user);
      d.details = mergeSessionDetails(d.details, details);
    }
    return key;
  }

  /** A trace in the session grew: its bounds may widen the session's. */
  extend(key: number, trace: { readonly start: bigint; readonly end: bigint }): void {
    this.widen(this.deltaOf(key), trace);
  }

  /** A trace of the session was deleted. */
  remove(key: number, totals: CallTotals): void {
    this.add(key, totals, null, -1);
    this.stale.add(key);
  }

  /** A trace's cost changed (its calls were repriced). */
  recost(key: number, before: number | null, after: number | null): void {
    shiftSum(this.deltaOf(key), COST_SUM, before, after);
  }

  /** Applies the batch's changes; recomputes the bounds and users of sessions that lost a trace, deletes emptied ones. */
  flush(): void {
    for (const [key, d] of this.deltas) {
      const s = d.sums;
      this.stmts.apply.run(d.traces, d.calls, d.errors, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], d.first, d.last, key);
      for (const user of d.users) this.stmts.addUser.run(key, user);
      if (d.details) this.stmts.describe.run(d.details.name, JSON.stringify(d.details.labels), key);
    }
    this.deltas.clear();
    for (const key of this.stale) {
      if ((this.stmts.traceCount.get(key) as number | undefined) === 0) {
        this.stmts.delete.run(key);
        this.stmts.clearUsers.run(key);
        for (const [k, v] of this.keys) if (v === key) this.keys.delete(k);
        continue;
      }
      this.stmts.bounds.run({ key });
      this.stmts.clearUsers.run(key);
      this.stmts.refillUsers.run({ key });
    }
    this.stale.clear();
  }

  /** Forgets what was learnt in a transaction that rolled back. */
  reset(): void {
    this.keys.clear();
    this.deltas.clear();
    this.stale.clear();
  }

  private deltaOf(key: number): SessionDelta {
    let d = this.deltas.get(key);
    if (!d) {
      d = { traces: 0, calls: 0, errors: 0, sums: new Float64Array(SUMS * 2), first: null, last: null, users: new Set(), details: null };
      this.deltas.set(key, d);
    }
    return d;
  }

  private widen(d: SessionDelta, trace: { readonly start: bigint; readonly end: bigint }): void {
    if (d.first === null || trace.start < d.first) d.first = trace.start;
    if (d.last === null || trace.end > d.last) d.last = trace.end;
  }

  private add(key: number, before: CallTotals | null, after: CallTotals | null, traces: number): void {
    const d = this.deltaOf(key);
    d.traces += traces;
    d.calls += (after?.llmCallCount ?? 0) - (before?.llmCallCount ?? 0);
    d.errors += (after?.errorCount ?? 0) - (before?.errorCount ?? 0);
    shiftSum(d, 0, before?.inputTokens, after?.inputTokens);
    shiftSum(d, 1, before?.outputTokens, after?.outputTokens);
    shiftSum(d, 2, before?.totalTokens, after?.totalTokens);
    shiftSum(d, COST_SUM, before?.costUsd, after?.costUsd);
  }

  private keyFor(projectId: number, sessionId: string, start: bigint, end: bigint): number {
    const k = `${projectId}\u0000${sessionId}`;
    let key = this.keys.get(k);
    if (key === undefined) {
      key =
        (this.stmts.find.get(projectId, sessionId) as number | undefined) ??
        Number(this.stmts.insert.run(projectId, sessionId, start, end).lastInsertRowid);
      if (this.keys.size >= CACHE_LIMIT) this.keys.delete(this.keys.keys().next().value as string);
      this.keys.set(k, key);
    }
    return key;
  }
}

/** Which of a session delta's summed figures is the cost (input, output and total tokens come first). */
const COST_SUM = 3;

/** Moves summed figure `i` from `before` to `after`: its sum, and how many traces know it. */
function shiftSum(d: SessionDelta, i: number, before: number | null | undefined, after: number | null | undefined): void {
  d.sums[i * 2] = (d.sums[i * 2] as number) + (after ?? 0) - (before ?? 0);
  d.sums[i * 2 + 1] = (d.sums[i * 2 + 1] as number) + (after == null ? 0 : 1) - (before == null ? 0 : 1);
}

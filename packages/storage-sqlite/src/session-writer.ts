import type { CallTotals } from '@sightline/storage';
import type Database from 'better-sqlite3';

const CACHE_LIMIT = 10_000;

/** A trace's place in a session: the session row it counts in, and what it adds. */
export interface SessionShare {
  readonly key: number | null;
  readonly totals: CallTotals;
}

/**
 * Keeps `sessions` and `session_users` in step with their traces. A session's totals are the
 * sums of its traces' totals, kept by applying each trace's change; a trace moving out of a
 * session (or deleted) has its session's bounds and users recomputed at the end of the batch.
 */
export class SessionWriter {
  private readonly keys = new Map<string, number>();
  private readonly stale = new Set<number>();
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      find: db.prepare('SELECT id FROM sessions WHERE project_id = ? AND session_id = ?').pluck(),
      insert: db.prepare(
        `INSERT INTO sessions (project_id, session_id, first_ns, last_ns, trace_count, call_count, error_count, input_tokens, input_known,
           output_tokens, output_known, total_tokens, total_known, cost_usd, cost_known) VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)`,
      ),
      add: db.prepare(
        `UPDATE sessions SET trace_count = trace_count + ?, call_count = call_count + ?, error_count = error_count + ?,
           input_tokens = input_tokens + ?, input_known = input_known + ?, output_tokens = output_tokens + ?, output_known = output_known + ?,
           total_tokens = total_tokens + ?, total_known = total_known + ?, cost_usd = cost_usd + ?, cost_known = cost_known + ? WHERE id = ?`,
      ),
      extend: db.prepare('UPDATE sessions SET first_ns = min(first_ns, ?), last_ns = max(last_ns, ?) WHERE id = ?'),
      addUser: db.prepare('INSERT OR IGNORE INTO session_users (session_key, user_id) VALUES (?, ?)'),
      traceCount: db.prepare('SELECT trace_count FROM sessions WHERE id = ?').pluck(),
      bounds: db.prepare(
        'UPDATE sessions SET (first_ns, last_ns) = (SELECT min(start_ns), max(end_ns) FROM traces WHERE session_key = @key) WHERE id = @key',
      ),
      clearUsers: db.prepare('DELETE FROM session_users WHERE session_key = ?'),
      refillUsers: db.prepare(
        `INSERT OR IGNORE INTO session_users (session_key, user_id) SELECT @key, c.user_id FROM traces t JOIN llm_calls c ON c.trace_key = t.id
           WHERE t.session_key = @key AND c.counted = 1 AND c.user_id IS NOT NULL`,
      ),
      delete: db.prepare('DELETE FROM sessions WHERE id = ?'),
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
      this.stmts.extend.run(trace.start, trace.end, key);
      for (const user of users) this.stmts.addUser.run(key, user);
    }
    return key;
  }

  /** A trace in the session grew: its bounds may widen the session's. */
  extend(key: number, trace: { readonly start: bigint; readonly end: bigint }): void {
    this.stmts.extend.run(trace.start, trace.end, key);
  }

  /** A trace of the session was deleted. */
  remove(key: number, totals: CallTotals): void {
    this.add(key, totals, null, -1);
    this.stale.add(key);
  }

  /** Recomputes the bounds and users of sessions that lost a trace; deletes the emptied ones. */
  flush(): void {
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
    this.stale.clear();
  }

  private add(key: number, before: CallTotals | null, after: CallTotals | null, traces: number): void {
    const d = (pick: (t: CallTotals) => number | null) => (after ? (pick(after) ?? 0) : 0) - (before ? (pick(before) ?? 0) : 0);
    const known = (pick: (t: CallTotals) => number | null) =>
      (after && pick(after) !== null ? 1 : 0) - (before && pick(before) !== null ? 1 : 0);
    this.stmts.add.run(
      traces,
      d((t) => t.llmCallCount),
      d((t) => t.errorCount),
      d((t) => t.inputTokens),
      known((t) => t.inputTokens),
      d((t) => t.outputTokens),
      known((t) => t.outputTokens),
      d((t) => t.totalTokens),
      known((t) => t.totalTokens),
      d((t) => t.costUsd),
      known((t) => t.costUsd),
      key,
    );
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

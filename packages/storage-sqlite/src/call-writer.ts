import { findDuplicates, mergeSessionDetails, type SessionDetails } from '@sightline/core';
import {
  type CallTotals,
  type CopyFields,
  callTotals,
  copiesByCounted,
  fieldsFromCopies,
  fieldsFromTrace,
  roundUsd,
  type TraceOwner,
  traceSessionAndUser,
} from '@sightline/storage';
import type Database from 'better-sqlite3';
import { firstCallId, lastCallId } from './call-ids.js';
import {
  type CallState,
  INSERT_COLUMN_COUNT,
  INSERT_COLUMNS,
  idKey,
  STATE_COLUMNS,
  type StateRow,
  stateFromRow,
  TAKEN_SESSION,
  TAKEN_USER,
  writeInsertValues,
} from './call-state.js';
import { CS, callString } from './encoded-batch.js';
import { RollupWriter } from './rollup-writer.js';
import { RowBuffer } from './row-buffer.js';
import { SessionWriter } from './session-writer.js';
import { NO_CALL_BOUNDS, NO_TRACE_BOUNDS, SortBoundsWriter } from './sort-bounds.js';

/** What the writer knows of a cached trace's calls: every span's parent, and each call's state. */
export interface TraceLlm {
  /** Span → parent, for every span of the trace, by {@link idKey} (-1: no parent). */
  readonly parents: Map<number, number>;
  readonly calls: Map<number, CallState>;
  /** Something changed that may change which calls count. */
  dirty: boolean;
}

/** A trace's call totals and session, as its row holds them. */
export interface TraceCalls {
  totals: CallTotals;
  sessionKey: number | null;
}

/** A new cost for a stored call (see `SqliteStorage.repriceCalls`). */
export interface CostChange {
  readonly id: number;
  readonly costUsd: number | null;
  /** input, cache read, cache write, output, reasoning. */
  readonly breakdown: readonly (number | null)[];
  readonly source: string | null;
  readonly priceModel: string | null;
}

/** New call rows go in by this many per statement. */
const ROWS_PER_INSERT = 16;

const EMPTY = new Map<number, number>();
const NO_PARENT = -1;

/**
 * Writes LLM calls: decides which of a trace's calls count whenever the trace changes,
 * inserts and updates call rows, and keeps rollups and sessions in step.
 */
export class CallWriter {
  readonly rollups: RollupWriter;
  readonly sessions: SessionWriter;
  /** The lists' sort bounds, of calls and of traces (the batch writer adds the traces'). */
  readonly bounds: SortBoundsWriter;
  private readonly stmts;
  /** New call rows not yet inserted: inserted when the batch ends, or before a stored call is updated. */
  private readonly rows: RowBuffer;

  constructor(db: Database.Database) {
    this.rollups = new RollupWriter(db);
    this.sessions = new SessionWriter(db);
    this.bounds = new SortBoundsWriter(db);
    this.rows = new RowBuffer(
      db,
      `INSERT OR FAIL INTO llm_calls (${INSERT_COLUMNS}) VALUES`,
      `(${Array(INSERT_COLUMN_COUNT).fill('?').join(', ')})`,
      INSERT_COLUMN_COUNT,
      ROWS_PER_INSERT,
    );
    this.stmts = {
      setCounted: db.prepare('UPDATE llm_calls SET counted = ?, duplicate_of = ? WHERE id = ?'),
      setCopyFields: db.prepare('UPDATE llm_calls SET session_id = ?, user_id = ?, ttft_ms = ?, route = ?, taken = ? WHERE id = ?'),
      parents: db.prepare('SELECT span_id, parent_span_id FROM spans WHERE trace_key = ?').raw(),
      calls: db.prepare(`SELECT ${STATE_COLUMNS} FROM llm_calls WHERE id BETWEEN ? AND ?`).safeIntegers(true),
      deleteCalls: db.prepare('DELETE FROM llm_calls WHERE id BETWEEN ? AND ?'),
      costRow: db
        .prepare(
          'SELECT project_id, trace_key, ts, counted, cost_usd, service, provider, model, request_model, route, operation, session_id, user_id FROM llm_calls WHERE id = ?',
        )
        .safeIntegers(true),
      setCost: db.prepare(
        `UPDATE llm_calls SET cost_usd = ?, cost_input = ?, cost_cache_read = ?, cost_cache_write = ?, cost_output = ?, cost_reasoning = ?,
           cost_source = ?, price_model = ? WHERE id = ?`,
      ),
      traceCost: db.prepare('SELECT project_id, start_ns, session_key, cost_usd FROM traces WHERE id = ?').safeIntegers(true),
      countedCost: db.prepare(
        'SELECT total(cost_usd) AS cost, count(cost_usd) AS priced FROM llm_calls WHERE id BETWEEN ? AND ? AND counted = 1',
      ),
      setTraceCost: db.prepare('UPDATE traces SET cost_usd = ? WHERE id = ?'),
    };
  }

  /** A fresh trace's empty state. */
  static empty(): TraceLlm {
    return { parents: new Map(), calls: new Map(), dirty: false };
  }

  /** A stored trace's state, read from its rows (including those written earlier in this transaction). */
  load(traceKey: number): TraceLlm {
    const parents = new Map<number, number>();
    for (const [span, parent] of this.stmts.parents.all(traceKey) as [Buffer, Buffer | null][])
      parents.set(idKey(span), parent === null ? NO_PARENT : idKey(parent));
    const calls = new Map<number, CallState>();
    for (const row of this.stmts.calls.all(firstCallId(traceKey), lastCallId(traceKey)) as StateRow[]) {
      const state = stateFromRow(row);
      calls.set(state.spanId, state);
    }
    return { parents, calls, dirty: false };
  }

  /**
   * Decides which of a changed trace's calls count, writes new calls and changed flags, feeds
   * the rollups, and moves the trace's share of its session; `current` is updated to the
   * trace's new totals and session.
   */
  resolve(projectId: number, traceKey: number, llm: TraceLlm, trace: { start: bigint; end: bigint }, current: TraceCalls): void {
    llm.dirty = false;
    const list = [...llm.calls.values()];
    const duplicates = list.length > 1 ? findDuplicates(list, parentsView(llm.parents)) : EMPTY;
    const bytesOf = (key: number | null) => (key === null ? null : (llm.calls.get(key)?.spanBytes ?? null));
    const copiesOf = copiesByCounted(list, duplicates);
    // What new calls say of their session (name, labels): read before they are inserted.
    const details = newSessionDetails(list);
    // The counted copy takes what only its duplicates named (see `fieldsFromCopies`).
    for (const call of list) {
      const copies = copiesOf.get(call.spanId);
      const fill = copies ? fieldsFromCopies(named(call), copies.map(named)) : null;
      if (fill !== null) this.fill(projectId, call, { ...fill, taken: call.taken & ~takenBits(fill) });
    }
    // Then a call that names no session or user takes its trace's owner's (see `fieldsFromTrace`),
    // the owner worked out again from what the calls named: an earlier call may name another.
    const owner = traceSessionAndUser(list.map(named));
    for (const call of list) {
      const fill = fromOwner(call, owner);
      if (fill !== null) this.fill(projectId, call, fill);
      const duplicateOf = duplicates.get(call.spanId) ?? null;
      const counted = duplicateOf === null;
      if (call.pending !== null) {
        call.counted = counted;
        call.duplicateOf = duplicateOf;
        writeInsertValues(this.rows.values, this.rows.offset, call, projectId, traceKey, bytesOf(duplicateOf));
        this.rows.added();
        this.bounds.call(projectId, call.id, call.timestamp, call);
        call.pending = null;
        if (counted) this.rollups.add(projectId, call, 1);
      } else if (call.counted !== counted || call.duplicateOf !== duplicateOf) {
        this.rows.flush();
        const of = bytesOf(duplicateOf);
        this.stmts.setCounted.run(counted ? 1 : 0, of === null ? null : Buffer.from(of, 'latin1'), call.id);
        if (call.counted) this.rollups.add(projectId, call, -1);
        if (counted) this.rollups.add(projectId, call, 1);
        call.counted = counted;
        call.duplicateOf = duplicateOf;
      }
    }
    const totals = callTotals(list);
    const users = new Set<string>();
    for (const c of list) if (c.counted && c.userId !== null) users.add(c.userId);
    const about = details
      .filter((d) => d.sessionId === totals.sessionId)
      .reduce<SessionDetails | null>((acc, d) => mergeSessionDetails(acc, d.details), null);
    current.sessionKey = this.sessions.move(projectId, trace, { key: current.sessionKey, totals: current.totals }, totals, users, about);
    current.totals = totals;
  }

  /** Gives a call fields it lacked (or took); a stored call's row and its share of the rollups move with them. */
  private fill(projectId: number, call: CallState, fill: Partial<CopyFields> & { taken?: number }): void {
    if (call.pending === null && call.counted) this.rollups.add(projectId, call, -1);
    Object.assign(call, fill);
    if (call.pending === null) {
      this.rows.flush();
      this.stmts.setCopyFields.run(call.sessionId, call.userId, call.ttftMs, call.route, call.taken, call.id);
      this.bounds.call(projectId, call.id, call.timestamp, call);
      if (call.counted) this.rollups.add(projectId, call, 1);
    }
  }

  /** Takes a trace's calls out of rollups and its session, and deletes them (the trace is being deleted). */
  remove(projectId: number, traceKey: number, current: TraceCalls): void {
    for (const row of this.stmts.calls.all(firstCallId(traceKey), lastCallId(traceKey)) as StateRow[]) {
      const state = stateFromRow(row);
      if (state.counted) this.rollups.add(projectId, state, -1);
    }
    if (current.sessionKey !== null) this.sessions.remove(current.sessionKey, current.totals);
    this.stmts.deleteCalls.run(firstCallId(traceKey), lastCallId(traceKey));
  }

  /** Applies new costs, and moves the totals of their traces, sessions and rollups. */
  setCosts(changes: readonly CostChange[]): void {
    const traces = new Set<number>();
    for (const change of changes) {
      const row = this.stmts.costRow.get(change.id) as
        | {
            project_id: bigint;
            trace_key: bigint;
            ts: bigint;
            counted: bigint;
            cost_usd: number | bigint | null;
            service: string;
            provider: string | null;
            model: string | null;
            request_model: string | null;
            route: string | null;
            operation: string | null;
            session_id: string | null;
            user_id: string | null;
          }
        | undefined;
      if (!row) continue;
      this.stmts.setCost.run(change.costUsd, ...change.breakdown, change.source, change.priceModel, change.id);
      this.bounds.call(Number(row.project_id), change.id, row.ts, { ...NO_CALL_BOUNDS, costUsd: change.costUsd });
      if (row.counted !== 1n) continue;
      const call = {
        timestamp: row.ts,
        service: row.service,
        provider: row.provider,
        model: row.model,
        requestModel: row.request_model,
        route: row.route,
        operation: row.operation,
        sessionId: row.session_id,
        userId: row.user_id,
      };
      const before = row.cost_usd === null ? null : Number(row.cost_usd);
      this.rollups.reprice(Number(row.project_id), call, before, change.costUsd);
      traces.add(Number(row.trace_key));
    }
    for (const traceKey of traces) {
      const trace = this.stmts.traceCost.get(traceKey) as
        | { project_id: bigint; start_ns: bigint; session_key: bigint | null; cost_usd: number | bigint | null }
        | undefined;
      if (!trace) continue;
      const sum = this.stmts.countedCost.get(firstCallId(traceKey), lastCallId(traceKey)) as { cost: number; priced: number };
      const cost = sum.priced > 0 ? roundUsd(sum.cost) : null;
      this.stmts.setTraceCost.run(cost, traceKey);
      this.bounds.trace(Number(trace.project_id), traceKey, trace.start_ns, { ...NO_TRACE_BOUNDS, costUsd: cost });
      const before = trace.cost_usd === null ? null : Number(trace.cost_usd);
      if (trace.session_key !== null) this.sessions.recost(Number(trace.session_key), before, cost);
    }
  }

  /** Applies what the batch gathered: new call rows, rollups and sessions. */
  flush(): void {
    this.rows.flush();
    this.rollups.flush();
    this.sessions.flush();
    this.bounds.flush();
  }

  reset(): void {
    this.rows.reset();
    this.rollups.reset();
    this.sessions.reset();
    this.bounds.reset();
  }
}

/** The parent map as `findDuplicates` reads it: -1 (no parent) as null. */
function parentsView(parents: Map<number, number>): ReadonlyMap<number, number | null> {
  return {
    get: (key: number) => {
      const p = parents.get(key);
      return p === NO_PARENT ? null : p;
    },
  } as ReadonlyMap<number, number | null>;
}

/** The session name and labels new (not yet inserted) calls carry, with the session each names. */
function newSessionDetails(calls: readonly CallState[]): { sessionId: string; details: SessionDetails }[] {
  const out: { sessionId: string; details: SessionDetails }[] = [];
  for (const c of calls) {
    if (c.pending === null || c.sessionId === null) continue;
    const json = callString(c.pending.calls, c.pending.index, CS.SessionDetails);
    if (json !== null) out.push({ sessionId: c.sessionId, details: JSON.parse(json) as SessionDetails });
  }
  return out;
}

/** What a call named itself: its session and user unless it took them from its trace, its TTFT and route. */
function named(c: CallState): CopyFields & { readonly timestamp: bigint } {
  return {
    sessionId: c.taken & TAKEN_SESSION ? null : c.sessionId,
    userId: c.taken & TAKEN_USER ? null : c.userId,
    ttftMs: c.ttftMs,
    route: c.route,
    timestamp: c.timestamp,
  };
}

/** The taken bits of the fields `fill` names: a field filled from a copy is named, no longer taken. */
function takenBits(fill: Partial<CopyFields>): number {
  return (fill.sessionId !== undefined ? TAKEN_SESSION : 0) | (fill.userId !== undefined ? TAKEN_USER : 0);
}

/** The session and user a call has from its trace's owner where it names none (and which it took); null when it has them already. */
function fromOwner(c: CallState, owner: TraceOwner): { sessionId: string | null; userId: string | null; taken: number } | null {
  const own = named(c);
  const take = fieldsFromTrace(own, owner);
  const sessionId = take?.sessionId ?? own.sessionId;
  const userId = take?.userId ?? own.userId;
  const taken = take === null ? 0 : takenBits(take);
  return sessionId === c.sessionId && userId === c.userId && taken === c.taken ? null : { sessionId, userId, taken };
}

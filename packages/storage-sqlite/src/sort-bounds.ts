import type { CallOrderField, TraceOrderField } from '@sightline/storage';
import type Database from 'better-sqlite3';
import { CALLS_PER_TRACE } from './call-ids.js';

/**
 * Blocks of sort bounds (schema/014-sort-bounds.ts): a block is 64 traces by key, and their
 * calls. Block b holds the traces with keys [64·b, 64·b + 63] and the calls with ids
 * [b·2²⁶, b·2²⁶ + 2²⁶ − 1] (a call's id is its span's key, see call-ids.ts).
 */
export const TRACES_PER_BLOCK = 64;
export const CALL_IDS_PER_BLOCK = TRACES_PER_BLOCK * CALLS_PER_TRACE;

const CALL_FIELDS = ['duration', 'ttft', 'cost', 'total_tokens', 'tokens_per_s'] as const satisfies readonly CallOrderField[];
const TRACE_FIELDS = [
  'duration',
  'span_count',
  'error_count',
  'llm_call_count',
  'total_tokens',
  'cost',
] as const satisfies readonly TraceOrderField[];
/** The call list's orders that have bounds (by time, the list has an index), each a column pair `<name>_lo`, `<name>_hi`. */
export const CALL_BOUND_FIELDS: readonly CallOrderField[] = CALL_FIELDS;
/** The trace list's orders that have bounds (by start time, the list has an index; by id or end time, none). */
export const TRACE_BOUND_FIELDS: readonly TraceOrderField[] = TRACE_FIELDS;

/** Each bounds table: the rows it bounds, how many row ids a block spans, and its fields. */
export const BOUND_TABLES = {
  call_bounds: { rows: 'llm_calls', idsPerBlock: CALL_IDS_PER_BLOCK, fields: CALL_BOUND_FIELDS },
  trace_bounds: { rows: 'traces', idsPerBlock: TRACES_PER_BLOCK, fields: TRACE_BOUND_FIELDS },
} as const;
export type BoundTable = keyof typeof BOUND_TABLES;

const NS_PER_MS = 1e6;
/** Beyond this an integer is not exact as a double (see `widen`). */
const EXACT = 2 ** 53;

/** A block's bounds being gathered: time low and high (ms), then each field's low and high (±Infinity: none yet). */
type Pending = Float64Array;

/** Where each field's low bound sits in a block's {@link Pending} bounds (its high one just after): after the time's, in the fields' order. */
function slotsOf<F extends string>(fields: readonly F[]): Record<F, number> {
  return Object.fromEntries(fields.map((f, i) => [f, 2 + 2 * i])) as Record<F, number>;
}
const CALL_SLOT = slotsOf(CALL_FIELDS);
const TRACE_SLOT = slotsOf(TRACE_FIELDS);

/**
 * Widens the bounds of the blocks a batch writes, gathered per block and applied with the
 * batch (one UPSERT per block touched, usually one or two per batch). Bounds only widen, so
 * a value added twice, or added for a row that changes again later, does no harm.
 */
class BlockBounds {
  /** Per block, by {@link blockKey}. */
  private readonly pending = new Map<number, Pending>();
  /** Blocks that lost rows, by {@link blockKey}: their bounds go if nothing is left in them. */
  private readonly emptied = new Set<number>();
  /** Values per block: time low and high, then each field's. */
  private readonly width: number;
  private readonly upsert;
  private readonly dropIfEmpty;

  constructor(db: Database.Database, table: BoundTable) {
    const { rows, idsPerBlock, fields } = BOUND_TABLES[table];
    const columns = ['time', ...fields];
    this.width = 2 * columns.length;
    const set = columns.flatMap((f) => [
      `${f}_lo = min(ifnull(${f}_lo, excluded.${f}_lo), ifnull(excluded.${f}_lo, ${f}_lo))`,
      `${f}_hi = max(ifnull(${f}_hi, excluded.${f}_hi), ifnull(excluded.${f}_hi, ${f}_hi))`,
    ]);
    this.upsert = db.prepare(
      `INSERT INTO ${table} (project_id, block, ${columns.flatMap((f) => [`${f}_lo`, `${f}_hi`]).join(', ')})
       VALUES (${Array(2 + this.width)
         .fill('?')
         .join(', ')})
       ON CONFLICT (project_id, block) DO UPDATE SET ${set.join(', ')}`,
    );
    this.dropIfEmpty = db.prepare(
      `DELETE FROM ${table} WHERE project_id = ? AND block = ?
         AND NOT EXISTS (SELECT 1 FROM ${rows} WHERE id BETWEEN ? * ${idsPerBlock} AND ? * ${idsPerBlock} + ${idsPerBlock - 1})`,
    );
  }

  /**
   * The pending bounds of the block a row of this time (ns) lies in, its time bounds widened:
   * the fields' are to widen, at their slots (see {@link slotsOf}).
   */
  block(projectId: number, block: number, ns: bigint): Pending {
    const key = blockKey(projectId, block);
    let bounds = this.pending.get(key);
    if (!bounds) {
      bounds = new Float64Array(this.width);
      for (let i = 0; i < this.width; i += 2) {
        bounds[i] = Number.POSITIVE_INFINITY;
        bounds[i + 1] = Number.NEGATIVE_INFINITY;
      }
      this.pending.set(key, bounds);
    }
    // Whole milliseconds, one beyond the time on each side.
    const ms = Number(ns) / NS_PER_MS;
    bounds[0] = Math.min(bounds[0] as number, Math.floor(ms) - 1);
    bounds[1] = Math.max(bounds[1] as number, Math.ceil(ms) + 1);
    return bounds;
  }

  removed(projectId: number, block: number): void {
    this.emptied.add(blockKey(projectId, block));
  }

  flush(): void {
    const values: (number | null)[] = new Array(2 + this.width);
    for (const [key, bounds] of this.pending) {
      values[0] = Math.floor(key / BLOCKS);
      values[1] = key % BLOCKS;
      // A low still at +∞ or a high still at −∞ saw no value: NULL.
      for (let i = 0; i < this.width; i += 2) {
        const lo = bounds[i] as number;
        const hi = bounds[i + 1] as number;
        values[2 + i] = lo === Number.POSITIVE_INFINITY ? null : lo;
        values[3 + i] = hi === Number.NEGATIVE_INFINITY ? null : hi;
      }
      this.upsert.run(...values);
    }
    for (const key of this.emptied) {
      const block = key % BLOCKS;
      this.dropIfEmpty.run(Math.floor(key / BLOCKS), block, block, block);
    }
    this.reset();
  }

  reset(): void {
    this.pending.clear();
    this.emptied.clear();
  }
}

/** Blocks are below 2²⁷ (ids below 2⁵³); with project ids below 2²⁶ the key is exact. */
const BLOCKS = 134_217_728;
function blockKey(projectId: number, block: number): number {
  return projectId * BLOCKS + block;
}

/**
 * Widens `bounds` at field slot `at` (see {@link slotsOf}) by `value`; null (unknown) widens nothing. An
 * integer beyond 2⁵³ is not exact as a double: its low bound is clamped to 2⁵³ (or −∞), its
 * high one to +∞ (or −2⁵³), both wider than the value.
 */
function widen(bounds: Pending, at: number, value: number | bigint | null): void {
  if (value === null) return;
  let n = Number(value);
  let m = n;
  if (n >= EXACT) [n, m] = [EXACT, Number.POSITIVE_INFINITY];
  else if (n <= -EXACT) [n, m] = [Number.NEGATIVE_INFINITY, -EXACT];
  if (n < (bounds[at] as number)) bounds[at] = n;
  if (m > (bounds[at + 1] as number)) bounds[at + 1] = m;
}

/** The figures of a call its list sorts by (null: unknown, or unchanged). */
export interface CallBoundValues {
  readonly durationMs: number | null;
  readonly ttftMs: number | null;
  readonly costUsd: number | null;
  readonly totalTokens: number | null;
  readonly tokensPerS: number | null;
}

/** The figures of a trace its list sorts by (null: unknown, or unchanged). */
export interface TraceBoundValues {
  readonly durationNs: bigint | null;
  readonly spanCount: number | null;
  readonly errorCount: number | null;
  readonly llmCallCount: number | null;
  readonly totalTokens: number | null;
  readonly costUsd: number | null;
}

/** Nothing known: spread it and set the one value that changed. */
export const NO_CALL_BOUNDS: CallBoundValues = { durationMs: null, ttftMs: null, costUsd: null, totalTokens: null, tokensPerS: null };
export const NO_TRACE_BOUNDS: TraceBoundValues = {
  durationNs: null,
  spanCount: null,
  errorCount: null,
  llmCallCount: null,
  totalTokens: null,
  costUsd: null,
};

/** Keeps `call_bounds` and `trace_bounds` wide enough for every row written (see schema/014-sort-bounds.ts). */
export class SortBoundsWriter {
  private readonly calls: BlockBounds;
  private readonly traces: BlockBounds;

  constructor(db: Database.Database) {
    this.calls = new BlockBounds(db, 'call_bounds');
    this.traces = new BlockBounds(db, 'trace_bounds');
  }

  /** A call row written or changed: `id` its id, `ts` its time in ns. */
  call(projectId: number, id: number, ts: bigint, v: CallBoundValues): void {
    const b = this.calls.block(projectId, Math.floor(id / CALL_IDS_PER_BLOCK), ts);
    widen(b, CALL_SLOT.duration, v.durationMs);
    widen(b, CALL_SLOT.ttft, v.ttftMs);
    widen(b, CALL_SLOT.cost, v.costUsd);
    widen(b, CALL_SLOT.total_tokens, v.totalTokens);
    widen(b, CALL_SLOT.tokens_per_s, v.tokensPerS);
  }

  /** A trace row written or changed: `start` its start in ns. */
  trace(projectId: number, key: number, start: bigint, v: TraceBoundValues): void {
    const b = this.traces.block(projectId, Math.floor(key / TRACES_PER_BLOCK), start);
    widen(b, TRACE_SLOT.duration, v.durationNs);
    widen(b, TRACE_SLOT.span_count, v.spanCount);
    widen(b, TRACE_SLOT.error_count, v.errorCount);
    widen(b, TRACE_SLOT.llm_call_count, v.llmCallCount);
    widen(b, TRACE_SLOT.total_tokens, v.totalTokens);
    widen(b, TRACE_SLOT.cost, v.costUsd);
  }

  /** A trace and its calls were deleted: their blocks' bounds go once nothing is left in them. */
  removedTrace(projectId: number, key: number): void {
    const block = Math.floor(key / TRACES_PER_BLOCK);
    this.traces.removed(projectId, block);
    this.calls.removed(projectId, block);
  }

  /** Applies what was gathered (inside the writer's transaction). */
  flush(): void {
    this.calls.flush();
    this.traces.flush();
  }

  /** The transaction rolled back: forget what was gathered. */
  reset(): void {
    this.calls.reset();
    this.traces.reset();
  }
}

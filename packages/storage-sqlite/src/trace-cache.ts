import type { TraceAggregate } from './trace-aggregate.js';

/**
 * Heap bytes the writer holds per trace, per span and per call it tracks, measured on Node 20
 * (a trace's summary with its filter Bloom filter and root; a span's parent entry; a call's
 * state with its map entries). Estimates, so budgets are in bytes rather than entry counts.
 */
export const TRACE_BYTES = 1_200;
export const SPAN_BYTES = 40;
export const CALL_BYTES = 480;

/** What the writer holds for `agg`, estimated. */
export function traceWeight(agg: TraceAggregate): number {
  const llm = agg.llm;
  return TRACE_BYTES + (llm === null ? 0 : llm.parents.size * SPAN_BYTES + llm.calls.size * CALL_BYTES);
}

interface Entry {
  readonly agg: TraceAggregate;
  readonly weight: number;
}

/** Recently written traces, least recently used first, bounded by estimated bytes. */
class LruByWeight {
  readonly entries = new Map<string, Entry>();
  total = 0;

  constructor(readonly budgetBytes: number) {}

  take(key: string): TraceAggregate | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.total -= entry.weight;
    return entry.agg;
  }

  /** Caches `agg` as the most recently used, evicting the least recently used beyond the budget. */
  put(key: string, agg: TraceAggregate): void {
    let weight = traceWeight(agg);
    if (weight - TRACE_BYTES > this.budgetBytes / 8) {
      agg.llm = null;
      weight = TRACE_BYTES;
    }
    this.entries.set(key, { agg, weight });
    this.total += weight;
    while (this.total > this.budgetBytes) this.take(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}

/**
 * Recently written traces, so spans that arrive after their siblings find their trace without
 * a lookup. Bounded by estimated bytes, in two parts (a two-queue cache):
 *
 * - traces whose spans came in more than one batch — an agent's long run exported batch by
 *   batch, a service's spans joining a trace another sent — keep `returningBytes`: more are
 *   likely on their way;
 * - the others keep `newBytes`, a small part: most traces arrive whole, and everything cached
 *   outlives the young generation, so this part's size is what the writer's full collections
 *   mark under a load of whole traces. A trace that returns after leaving it is read back
 *   once, then kept with the returning ones.
 *
 * In each part, a trace whose call state alone would take more than an eighth of the part is
 * kept without it; the writer reads it back from the database when the trace changes again.
 */
export class TraceCache {
  private readonly returning: LruByWeight;
  private readonly fresh: LruByWeight;

  constructor(returningBytes: number, newBytes: number) {
    this.returning = new LruByWeight(returningBytes);
    this.fresh = new LruByWeight(newBytes);
  }

  /** Removes and returns the trace under `key`: the caller puts it back when done with it. */
  take(key: string): TraceAggregate | undefined {
    return this.returning.take(key) ?? this.fresh.take(key);
  }

  /** Caches `agg` as the most recently used trace of its part. */
  put(key: string, agg: TraceAggregate): void {
    this.take(key);
    (agg.returning ? this.returning : this.fresh).put(key, agg);
  }

  clear(): void {
    this.returning.clear();
    this.fresh.clear();
  }

  /** The estimated bytes held, and how many traces. */
  get size(): { readonly bytes: number; readonly traces: number } {
    return {
      bytes: this.returning.total + this.fresh.total,
      traces: this.returning.entries.size + this.fresh.entries.size,
    };
  }
}

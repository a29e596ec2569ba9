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

/**
 * Recently written traces, least recently used first, bounded by estimated bytes: spans of a
 * trace usually arrive within seconds, and a cached trace is found without a lookup. A trace
 * whose call state alone would take more than an eighth of the budget (an agent's run of
 * thousands of calls) is kept without it; the writer reads it back from the database when
 * the trace changes again.
 */
export class TraceCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  constructor(private readonly budgetBytes: number) {}

  /** Removes and returns the trace under `key`: the caller puts it back when done with it. */
  take(key: string): TraceAggregate | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.total -= entry.weight;
    return entry.agg;
  }

  /** Caches `agg` as the most recently used trace, evicting the least recently used beyond the budget. */
  put(key: string, agg: TraceAggregate): void {
    this.take(key);
    let weight = traceWeight(agg);
    if (weight - TRACE_BYTES > this.budgetBytes / 8) {
      agg.llm = null;
      weight = TRACE_BYTES;
    }
    this.entries.set(key, { agg, weight });
    this.total += weight;
    while (this.total > this.budgetBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.take(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  /** The estimated bytes held, and how many traces. */
  get size(): { readonly bytes: number; readonly traces: number } {
    return { bytes: this.total, traces: this.entries.size };
  }
}

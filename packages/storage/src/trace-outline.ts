import type { TraceSummary } from './results.js';

/**
 * A trace's skeleton: for every span what drawing its tree and timeline takes — id, parent,
 * name, service, kind, status, times, and a summary of its LLM call — without attributes or
 * content, so a 100,000-span trace is a few megabytes. Columnar: span `i` is index `i` of
 * every array, spans in start order (ties in storage order). Strings repeat, so they sit once
 * in a table and spans refer to them by index.
 */
export interface TraceOutline extends OutlineColumns {
  readonly summary: TraceSummary;
}

/** An outline's columns (see {@link TraceOutline}). */
export interface OutlineColumns {
  readonly count: number;
  /** Span ids as lowercase hex, 16 characters each, end to end. */
  readonly spanIds: string;
  /** Index of each span's parent in this outline; -1 for a root, or a parent not stored. */
  readonly parents: Int32Array;
  /** Indexes into `strings`. */
  readonly names: Int32Array;
  readonly services: Int32Array;
  readonly kinds: Uint8Array;
  readonly statuses: Uint8Array;
  /** Nanoseconds since the epoch. */
  readonly starts: BigInt64Array;
  readonly ends: BigInt64Array;
  /** Index into `calls` of each span's LLM call; -1 for none. */
  readonly callOf: Int32Array;
  readonly calls: OutlineCalls;
  readonly strings: readonly string[];
}

/** The LLM calls of an outline, columnar; NaN stands for an unknown number, -1 for no string. */
export interface OutlineCalls {
  readonly count: number;
  /** Indexes into the outline's `strings`. */
  readonly models: Int32Array;
  readonly providers: Int32Array;
  readonly inputTokens: Float64Array;
  readonly outputTokens: Float64Array;
  readonly cacheReadTokens: Float64Array;
  readonly costUsd: Float64Array;
  readonly ttftMs: Float64Array;
  /** 1 when the call's usage counts, 0 when it repeats another call's. */
  readonly counted: Uint8Array;
  readonly isError: Uint8Array;
}

/** One span of an outline as plain values, for building one (see {@link buildOutline}). */
export interface OutlineSpan {
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly name: string;
  readonly service: string;
  readonly kind: number;
  readonly status: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** One call of an outline as plain values. */
export interface OutlineCall {
  readonly spanId: string;
  readonly model: string | null;
  readonly provider: string | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly costUsd: number | null;
  readonly ttftMs: number | null;
  readonly counted: boolean;
  readonly isError: boolean;
}

/** Packs spans (already in start order) and their calls into an outline's columns. */
export function buildOutline(spans: readonly OutlineSpan[], calls: readonly OutlineCall[]): OutlineColumns {
  const count = spans.length;
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const ref = (s: string | null): number => {
    if (s === null) return -1;
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIndex.set(s, i);
    }
    return i;
  };
  const indexOf = new Map<string, number>();
  for (let i = 0; i < count; i++) if (!indexOf.has((spans[i] as OutlineSpan).spanId)) indexOf.set((spans[i] as OutlineSpan).spanId, i);
  const outline = {
    count,
    spanIds: spans.map((s) => s.spanId).join(''),
    parents: new Int32Array(count),
    names: new Int32Array(count),
    services: new Int32Array(count),
    kinds: new Uint8Array(count),
    statuses: new Uint8Array(count),
    starts: new BigInt64Array(count),
    ends: new BigInt64Array(count),
    callOf: new Int32Array(count).fill(-1),
    calls: {
      count: 0,
      models: new Int32Array(calls.length),
      providers: new Int32Array(calls.length),
      inputTokens: new Float64Array(calls.length),
      outputTokens: new Float64Array(calls.length),
      cacheReadTokens: new Float64Array(calls.length),
      costUsd: new Float64Array(calls.length),
      ttftMs: new Float64Array(calls.length),
      counted: new Uint8Array(calls.length),
      isError: new Uint8Array(calls.length),
    },
    strings,
  };
  for (let i = 0; i < count; i++) {
    const s = spans[i] as OutlineSpan;
    const parent = s.parentSpanId === null ? undefined : indexOf.get(s.parentSpanId);
    outline.parents[i] = parent === undefined || parent === i ? -1 : parent;
    outline.names[i] = ref(s.name);
    outline.services[i] = ref(s.service);
    outline.kinds[i] = s.kind;
    outline.statuses[i] = s.status;
    outline.starts[i] = s.start;
    outline.ends[i] = s.end;
  }
  const c = outline.calls;
  let n = 0;
  for (const call of calls) {
    const span = indexOf.get(call.spanId);
    if (span === undefined) continue;
    outline.callOf[span] = n;
    c.models[n] = ref(call.model);
    c.providers[n] = ref(call.provider);
    c.inputTokens[n] = call.inputTokens ?? Number.NaN;
    c.outputTokens[n] = call.outputTokens ?? Number.NaN;
    c.cacheReadTokens[n] = call.cacheReadTokens ?? Number.NaN;
    c.costUsd[n] = call.costUsd ?? Number.NaN;
    c.ttftMs[n] = call.ttftMs ?? Number.NaN;
    c.counted[n] = call.counted ? 1 : 0;
    c.isError[n] = call.isError ? 1 : 0;
    n++;
  }
  return { ...outline, calls: { ...c, count: n } };
}

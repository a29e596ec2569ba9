import { StatusCode } from '@sightline/core';
import { isBetterRoot } from '@sightline/storage';
import type { TraceCalls, TraceLlm } from './call-writer.js';

/** The summary columns of one trace row, kept up to date as its spans arrive. */
export interface TraceAggregate {
  readonly key: number;
  readonly projectId: number;
  /** What the trace's calls add up to, and its session. */
  readonly calls: TraceCalls;
  /** Parents and call states, for deciding duplicates; null until needed for a trace read from disk. */
  llm: TraceLlm | null;
  start: bigint;
  end: bigint;
  spanCount: number;
  errorCount: number;
  root: RootCandidate | null;
  /** undefined: no span yet; null: some span never expires. */
  expiresAt: bigint | null | undefined;
  /** The trace's filter Bloom filter (see filter-bloom.ts). */
  readonly bloom: Uint8Array;
  /** Spans of the trace came in more than one batch (see `TraceCache`). */
  returning: boolean;
}

export interface RootCandidate {
  readonly spanId: Uint8Array;
  readonly parentSpanId: Uint8Array | null;
  readonly startTimeUnixNano: bigint;
  readonly name: string;
  readonly service: string;
}

/** Stands in for a root candidate's parent id: only whether there is one matters. */
const HAS_PARENT = new Uint8Array(0);

/** A newly stored span as its trace's summary reads it; its filter bits are `bloom`'s bytes from `bloomAt`. */
export interface AbsorbedSpan extends RootCandidate {
  readonly end: bigint;
  readonly statusCode: number;
  readonly bloom: Uint8Array;
  readonly bloomAt: number;
}

/** Folds one newly stored span into its trace's summary (keeping copies of what it keeps, never `span` itself). */
export function absorbSpan(agg: TraceAggregate, span: AbsorbedSpan, expiresAt: bigint | null): void {
  const bloom = agg.bloom;
  const from = span.bloom;
  const at = span.bloomAt;
  for (let i = 0; i < bloom.length; i++) bloom[i] = (bloom[i] as number) | (from[at + i] as number);
  if (agg.spanCount === 0 || span.startTimeUnixNano < agg.start) agg.start = span.startTimeUnixNano;
  if (span.end > agg.end) agg.end = span.end;
  agg.spanCount++;
  if (span.statusCode === StatusCode.ERROR) agg.errorCount++;
  if (isBetterRoot(span, agg.root)) {
    // Copies, not views: an aggregate outlives the batch whose buffers the views point into.
    agg.root = {
      spanId: span.spanId.slice(),
      parentSpanId: span.parentSpanId === null ? null : HAS_PARENT,
      startTimeUnixNano: span.startTimeUnixNano,
      name: span.name,
      service: span.service,
    };
  }
  if (agg.expiresAt === undefined) agg.expiresAt = expiresAt;
  else if (agg.expiresAt !== null) agg.expiresAt = expiresAt === null ? null : expiresAt > agg.expiresAt ? expiresAt : agg.expiresAt;
}

import type { Span } from '@sightline/core';
import type { WriteResult } from './results.js';

/** Spans of one project, as one request delivered them. */
export interface SpanGroup {
  readonly project: string;
  readonly spans: readonly Span[];
  /** When the spans may be deleted (ns since the epoch); kept until deleted otherwise. */
  readonly expiresAtUnixNano?: bigint;
}

/**
 * The one way data goes in. `write` stores every group of the batch in one transaction and
 * resolves only when it is durable. It is idempotent: a span already stored (same project,
 * trace id and span id) is left as first written and counted as a duplicate, so a client
 * retry never stores a span twice.
 */
export interface SpanWriter {
  write(batch: readonly SpanGroup[]): Promise<WriteResult>;
  /** Present when the writer can prepare groups ahead of writing them (see {@link PreparedWrites}). */
  readonly prepared?: PreparedWrites<unknown>;
}

/**
 * Writing in two steps: `prepare` does the costly, synchronous part of a write — turning a
 * group's spans into what the backend stores — and `writePrepared` commits prepared groups
 * together, with the same guarantees as `write`. A caller that queues groups before
 * committing them prepares each as it arrives, so the decoded spans are dropped at once
 * rather than kept alive in the queue.
 */
export interface PreparedWrites<P> {
  prepare(group: SpanGroup): P;
  writePrepared(batch: readonly P[]): Promise<WriteResult>;
}

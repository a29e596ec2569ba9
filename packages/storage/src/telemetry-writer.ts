import type { LlmCall, LogRecord, MetricPoint, Span } from '@sightline/core';
import type { WriteResult } from './results.js';

/** Data of one project, as one request delivered it. */
export interface WriteGroup {
  readonly project: string;
  readonly spans: readonly Span[];
  /**
   * The LLM calls read from `spans`, at most one per span, priced. A call is stored with its
   * span, and only when the span is new; the store decides `counted` and `duplicateOf`.
   * Content fields may be left out (see `NormalizeOptions.content`): readers take content
   * from the span.
   */
  readonly calls?: readonly LlmCall[];
  /** Log records and events, stored as they are (a retried record is stored once). */
  readonly logs?: readonly LogRecord[];
  /** OTLP metric data points, stored as they are (a retried point — same series, same time — is stored once). */
  readonly metrics?: readonly MetricPoint[];
  /** When the spans may be deleted (ns since the epoch); kept until deleted otherwise. */
  readonly expiresAtUnixNano?: bigint;
}

/**
 * The one way data goes in. `write` stores every group of the batch in one transaction and
 * resolves only when it is durable. It is idempotent: a span already stored (same project,
 * trace id and span id) is left as first written and counted as a duplicate, so a client
 * retry never stores a span (or its call) twice; a log record identical to one stored is
 * stored once too.
 */
export interface TelemetryWriter {
  write(batch: readonly WriteGroup[]): Promise<WriteResult>;
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
  prepare(group: WriteGroup): P;
  writePrepared(batch: readonly P[]): Promise<WriteResult>;
}

declare const PREPARED: unique symbol;

/** A group made ready for one writer (see {@link groupWriter}): opaque to everyone else. */
export interface PreparedGroup {
  readonly [PREPARED]: true;
}

/**
 * A writer seen as prepare-then-write, whether or not it prepares ahead (see
 * {@link PreparedWrites}): what a queue holds between the two is a {@link PreparedGroup}, never
 * the writer's own type, and the queue need not know which kind of writer it has.
 */
export interface GroupWriter {
  prepare(group: WriteGroup): PreparedGroup;
  write(batch: readonly PreparedGroup[]): Promise<WriteResult>;
}

/** `writer` as a {@link GroupWriter}: its own preparation when it has one, the group as it is otherwise. */
export function groupWriter(writer: TelemetryWriter): GroupWriter {
  const ahead = writer.prepared;
  // The only place a prepared group is turned back into what its writer made of it.
  if (ahead)
    return {
      prepare: (group) => ahead.prepare(group) as PreparedGroup,
      write: (batch) => ahead.writePrepared(batch as readonly unknown[]),
    };
  return {
    prepare: (group) => group as unknown as PreparedGroup,
    write: (batch) => writer.write(batch as unknown as readonly WriteGroup[]),
  };
}

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
}

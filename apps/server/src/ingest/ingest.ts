import type { IncomingMessage } from 'node:http';
import type { LogRecord, Span } from '@sightline/core';
import { StorageUnavailableError, type WriteGroup } from '@sightline/storage';
import { BodyBudget, DEFAULT_BODY_BUDGET_BYTES } from '../http/body-budget.js';
import { HttpError } from '../http/http-error.js';
import type { Logger } from '../log.js';
import type { CallExtractor } from './call-extractor.js';
import type { IngestObserver } from './ingest-observer.js';
import { BackpressureError, type IngestQueue, isTemporary, QueueClosedError } from './ingest-queue.js';

/** The project a request's data belongs to, until API keys select one. */
export const DEFAULT_PROJECT = 'default';

/**
 * The entry point every receiver shares: which project a request writes to, reading the LLM
 * calls of its spans (unless turned off), and committing it all, with failures turned into
 * the answer a client should get (retry later, or not).
 */
export class Ingest {
  constructor(
    readonly queue: IngestQueue,
    private readonly logger: Logger,
    readonly calls: CallExtractor | null,
    /** Request bytes held at once by every receiver (see {@link BodyBudget}). */
    readonly bodies = new BodyBudget(DEFAULT_BODY_BUDGET_BYTES),
    /** Told of spans once committed (the live stream). */
    private readonly observer: IngestObserver<unknown> | null = null,
  ) {}

  projectOf(_req: IncomingMessage | null): string {
    return DEFAULT_PROJECT;
  }

  /** Commits spans and their calls; returns null when they are durable, or the error to answer with. */
  accept(project: string, spans: readonly Span[], expiresAtUnixNano?: bigint): Promise<HttpError | null> {
    const calls = this.calls && spans.length ? this.calls.extract(spans) : undefined;
    const group: WriteGroup = { project, spans, calls, expiresAtUnixNano };
    return this.submit(group, this.observer && spans.length ? this.observer.beforeCommit(group) : null);
  }

  /** Commits log records. */
  acceptLogs(project: string, logs: readonly LogRecord[]): Promise<HttpError | null> {
    return this.submit({ project, spans: [], logs });
  }

  private async submit(group: WriteGroup, observed: unknown = null): Promise<HttpError | null> {
    try {
      const committed = await this.queue.submit(group);
      if (observed !== null) this.observer?.committed(observed, committed);
      return null;
    } catch (err) {
      if (err instanceof BackpressureError) {
        return new HttpError(503, 'unavailable', err.message, { 'Retry-After': String(err.retryAfterSeconds) });
      }
      if (err instanceof QueueClosedError) return new HttpError(503, 'unavailable', err.message, { 'Retry-After': '5' });
      if (isTemporary(err)) {
        this.logger.error('storing telemetry failed; clients are told to retry', err);
        const after = err instanceof StorageUnavailableError ? err.retryAfterSeconds : 5;
        return new HttpError(503, 'unavailable', 'the store could not commit the data; retry later', { 'Retry-After': String(after) });
      }
      // It failed on its own (its batch was split until it stood alone): retrying cannot help.
      this.logger.error('storing telemetry failed on its data; refused', err);
      return new HttpError(400, 'invalid_argument', `the data could not be stored: ${(err as Error).message}`);
    }
  }
}

import type { IncomingMessage } from 'node:http';
import type { Span } from '@sightline/core';
import { HttpError } from '../http/http-error.js';
import type { Logger } from '../log.js';
import { BackpressureError, type IngestQueue, QueueClosedError } from './ingest-queue.js';

/** The project a request's data belongs to, until API keys select one. */
export const DEFAULT_PROJECT = 'default';

/**
 * The entry point every receiver shares: which project a request writes to, and committing
 * its spans, with failures turned into the answer a client should get (retry later, or not).
 */
export class Ingest {
  constructor(
    readonly queue: IngestQueue,
    private readonly logger: Logger,
  ) {}

  projectOf(_req: IncomingMessage | null): string {
    return DEFAULT_PROJECT;
  }

  /** Commits spans; returns null when they are durable, or the error to answer with. */
  async accept(project: string, spans: readonly Span[], expiresAtUnixNano?: bigint): Promise<HttpError | null> {
    try {
      await this.queue.submit({ project, spans, expiresAtUnixNano });
      return null;
    } catch (err) {
      if (err instanceof BackpressureError) {
        return new HttpError(503, 'unavailable', err.message, { 'Retry-After': String(err.retryAfterSeconds) });
      }
      if (err instanceof QueueClosedError) return new HttpError(503, 'unavailable', err.message, { 'Retry-After': '5' });
      this.logger.error('storing spans failed', err);
      return new HttpError(503, 'unavailable', 'the store could not commit the spans; retry later', { 'Retry-After': '5' });
    }
  }
}

import type { SpanGroup, SpanWriter, WriteResult } from '@sightline/storage';

/** The writer is behind: the client should retry later (HTTP 503 + Retry-After, gRPC UNAVAILABLE). */
export class BackpressureError extends Error {
  override readonly name = 'BackpressureError';
  constructor(readonly retryAfterSeconds: number) {
    super('the store is behind; retry later');
  }
}

/** The queue no longer accepts work (the server is shutting down). */
export class QueueClosedError extends Error {
  override readonly name = 'QueueClosedError';
  constructor() {
    super('the server is shutting down');
  }
}

export interface IngestQueueOptions {
  /** Spans accepted but not yet committed, beyond which new work is refused. Default 50,000. */
  readonly maxPendingSpans?: number;
  /** Most spans committed in one transaction. Default 10,000. */
  readonly maxBatchSpans?: number;
}

interface Pending {
  readonly group: SpanGroup;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export interface IngestStats {
  pendingSpans: number;
  committedSpans: number;
  duplicateSpans: number;
  batches: number;
  refusedRequests: number;
}

/**
 * Groups spans from many requests into few transactions. `submit` resolves once the spans
 * are committed — a request is answered only then — and refuses at once, instead of queueing
 * without bound, when too much is waiting.
 */
export class IngestQueue {
  readonly stats: IngestStats = { pendingSpans: 0, committedSpans: 0, duplicateSpans: 0, batches: 0, refusedRequests: 0 };
  private readonly maxPending: number;
  private readonly maxBatch: number;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly writer: SpanWriter,
    options: IngestQueueOptions = {},
  ) {
    this.maxPending = options.maxPendingSpans ?? 50_000;
    this.maxBatch = options.maxBatchSpans ?? 10_000;
  }

  /** Queues a group; resolves when it is durable. Throws {@link BackpressureError} when full. */
  submit(group: SpanGroup): Promise<void> {
    if (this.closed) return Promise.reject(new QueueClosedError());
    if (group.spans.length === 0) return Promise.resolve();
    const n = group.spans.length;
    if (this.stats.pendingSpans > 0 && this.stats.pendingSpans + n > this.maxPending) {
      this.stats.refusedRequests++;
      return Promise.reject(new BackpressureError(1));
    }
    this.stats.pendingSpans += n;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ group, resolve, reject });
      this.schedule();
    });
  }

  /** Stops accepting work and resolves when everything accepted has been committed. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.flush();
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // Let every request that is ready in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return this.flushing ?? Promise.resolve();
    const batch: Pending[] = [];
    let spans = 0;
    while (this.queue.length > 0 && (batch.length === 0 || spans + (this.queue[0] as Pending).group.spans.length <= this.maxBatch)) {
      const next = this.queue.shift() as Pending;
      batch.push(next);
      spans += next.group.spans.length;
    }
    this.flushing = this.commit(batch, spans).finally(() => {
      this.flushing = null;
      if (this.queue.length > 0) this.schedule();
    });
    return this.flushing;
  }

  private async commit(batch: Pending[], spans: number): Promise<void> {
    let result: WriteResult;
    try {
      result = await this.writer.write(batch.map((p) => p.group));
    } catch (err) {
      this.stats.pendingSpans -= spans;
      for (const p of batch) p.reject(err);
      return;
    }
    this.stats.pendingSpans -= spans;
    this.stats.committedSpans += result.stored;
    this.stats.duplicateSpans += result.duplicates;
    this.stats.batches++;
    for (const p of batch) p.resolve();
  }
}

import {
  type GroupWriter,
  groupWriter,
  type PreparedGroup,
  StorageClosedError,
  StorageRefusesWritesError,
  StorageUnavailableError,
  type TelemetryWriter,
  type WriteGroup,
  type WriteResult,
} from '@sightline/storage';

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
  /** Spans (and log records) accepted but not yet committed, beyond which new work is refused. Default 50,000. */
  readonly maxPendingSpans?: number;
  /** Most spans committed in one transaction. Default 10,000. */
  readonly maxBatchSpans?: number;
  /** Batches handed to the writer at once; it commits them in order. Default 2. */
  readonly maxBatchesInFlight?: number;
}

/**
 * What a committed group's batch tells of it: whether its spans were new. Exact for a group
 * committed alone; in a batch with others, `allNew` and `noneNew` can both be false.
 */
export interface Committed {
  /** No span of the batch was stored before (none was a retry). */
  readonly allNew: boolean;
  /** Every span of the batch was stored before. */
  readonly noneNew: boolean;
}

const NOTHING_COMMITTED: Committed = { allNew: false, noneNew: true };

interface Pending {
  /** What the writer prepared of the group; dropped once committed or refused. */
  item: PreparedGroup | null;
  readonly spans: number;
  readonly resolve: (committed: Committed) => void;
  readonly reject: (err: unknown) => void;
}

export interface IngestStats {
  pendingSpans: number;
  committedSpans: number;
  committedLogs: number;
  duplicateSpans: number;
  batches: number;
  refusedRequests: number;
  /** Batches that failed on their data and were split to commit the requests that could be. */
  splitBatches: number;
  /** Requests whose data the store could not take (answered 400, never retried). */
  failedRequests: number;
}

/**
 * Groups spans from many requests into few transactions. `submit` resolves once the spans
 * are committed — a request is answered only then — and refuses at once, instead of queueing
 * without bound, when too much is waiting. A next batch is handed to the writer while the
 * previous one commits, so receiving and committing overlap.
 */
export class IngestQueue {
  readonly stats: IngestStats = {
    pendingSpans: 0,
    committedSpans: 0,
    committedLogs: 0,
    duplicateSpans: 0,
    batches: 0,
    refusedRequests: 0,
    splitBatches: 0,
    failedRequests: 0,
  };
  private readonly maxPending: number;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private queue: Pending[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private scheduled = false;
  private closed = false;
  private readonly writer: GroupWriter;

  constructor(writer: TelemetryWriter, options: IngestQueueOptions = {}) {
    this.writer = groupWriter(writer);
    this.maxPending = options.maxPendingSpans ?? 50_000;
    this.maxBatch = options.maxBatchSpans ?? 10_000;
    this.maxInFlight = options.maxBatchesInFlight ?? 2;
  }

  /**
   * Queues a group; resolves when it is durable. Rejects with {@link BackpressureError} when
   * full, unless `admitted` (a step of a request {@link refusal} admitted whole).
   */
  submit(group: WriteGroup, admitted = false): Promise<Committed> {
    if (this.closed) return Promise.reject(new QueueClosedError());
    // Log records and metric points weigh on the writer like spans.
    const n = group.spans.length + (group.logs?.length ?? 0) + (group.metrics?.length ?? 0);
    if (n === 0) return Promise.resolve(NOTHING_COMMITTED);
    const refused = admitted ? null : this.refusal(n);
    if (refused) return Promise.reject(refused);
    let item: PreparedGroup;
    try {
      // Prepare now, while the decoded spans are fresh: the queue then holds only the result.
      item = this.writer.prepare(group);
    } catch (err) {
      return Promise.reject(err);
    }
    this.stats.pendingSpans += n;
    return new Promise<Committed>((resolve, reject) => {
      this.queue.push({ item, spans: n, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Why a request of `n` spans is refused now (counted as refused), or null: too much is
   * pending. A request alone in the queue is always taken, however large.
   */
  refusal(n: number): BackpressureError | null {
    if (this.stats.pendingSpans === 0 || this.stats.pendingSpans + n <= this.maxPending) return null;
    this.stats.refusedRequests++;
    return new BackpressureError(1);
  }

  /** Stops accepting work and resolves when everything accepted has been committed. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      this.flush();
      await Promise.race(this.inFlight);
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight.size >= this.maxInFlight) return;
    this.scheduled = true;
    // Let every request that is ready in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight.size < this.maxInFlight) {
      const batch: Pending[] = [];
      let spans = 0;
      while (this.queue.length > 0 && (batch.length === 0 || spans + (this.queue[0] as Pending).spans <= this.maxBatch)) {
        const next = this.queue.shift() as Pending;
        batch.push(next);
        spans += next.spans;
      }
      const done: Promise<void> = this.commit(batch, spans).finally(() => {
        this.inFlight.delete(done);
        if (this.queue.length > 0) this.schedule();
      });
      this.inFlight.add(done);
    }
  }

  /**
   * Commits a batch. When it fails on its data rather than on the moment (see
   * {@link StorageUnavailableError}), the batch is split in halves and each committed on its
   * own, so one request the store cannot take fails alone and its neighbours are committed.
   */
  private async commit(batch: Pending[], spans: number): Promise<void> {
    let result: WriteResult;
    try {
      // Items are let go only once their batch is done: a batch being committed holds them all.
      const items = batch.map((p) => p.item as PreparedGroup);
      result = await this.writer.write(items);
    } catch (err) {
      // Split only on a failure about the data: a store that refuses every write fails every half.
      if (batch.length > 1 && !isTemporary(err) && !(err instanceof StorageRefusesWritesError)) {
        this.stats.splitBatches++;
        const half = Math.ceil(batch.length / 2);
        const first = batch.slice(0, half);
        const second = batch.slice(half);
        await this.commit(first, spanCount(first));
        await this.commit(second, spanCount(second));
        return;
      }
      this.stats.pendingSpans -= spans;
      if (!isTemporary(err)) this.stats.failedRequests += batch.length;
      for (const p of batch) {
        p.item = null;
        p.reject(err);
      }
      return;
    }
    this.stats.pendingSpans -= spans;
    this.stats.committedSpans += result.stored;
    this.stats.committedLogs += result.logsStored ?? 0;
    this.stats.duplicateSpans += result.duplicates;
    this.stats.batches++;
    const committed: Committed = { allNew: result.duplicates === 0, noneNew: result.stored === 0 };
    for (const p of batch) {
      p.item = null;
      p.resolve(committed);
    }
  }
}

/** A failure that passes: the same data may be committed later. */
export function isTemporary(err: unknown): boolean {
  return err instanceof StorageUnavailableError || err instanceof StorageClosedError;
}

function spanCount(batch: readonly Pending[]): number {
  let n = 0;
  for (const p of batch) n += p.spans;
  return n;
}

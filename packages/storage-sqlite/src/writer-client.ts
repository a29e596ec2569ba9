import type { Worker } from 'node:worker_threads';
import { StorageRefusesWritesError, StorageUnavailableError, type WriteResult } from '@sightline/storage';
import type Database from 'better-sqlite3';
import type { CostChange } from './call-writer.js';
import type { EncodedBatch } from './encoded-batch.js';
import { moduleWorker } from './module-worker.js';
import type { ConnectionOptions } from './open-database.js';
import { BatchWriter } from './write-batch.js';
import type { BatchSink, Deleted, Deletion, WriterReply, WriterRequest } from './writer-protocol.js';

/** A write failed in the writer because of what it was given; `code` is SQLite's error code when there is one. */
export class WriterError extends Error {
  override readonly name = 'WriterError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * SQLite codes that are about the data written (a constraint, a value too big or of the wrong
 * type): writing it again fails again. Every other SQLite code is about the database or the
 * machine (full, busy, locked, I/O, damaged) and passes, or is fixed by an operator.
 */
const DATA_CODES = /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/;

/** SQLite codes that say the database cannot be written at all (read-only file or folder, no permission): an operator must act. */
const REFUSED_CODES = /^SQLITE_(READONLY|PERM|AUTH)/;

/** The error a failed write is reported as: {@link StorageUnavailableError} when retrying later can succeed. */
export function writeFailure(message: string, code: string | undefined): Error {
  if (code !== undefined && REFUSED_CODES.test(code)) return new StorageRefusesWritesError(message, code);
  if (code?.startsWith('SQLITE_') && !DATA_CODES.test(code)) return new StorageUnavailableError(message, 5, code);
  return new WriterError(message, code);
}

/** Writes on the calling thread (for `:memory:` databases, which a worker cannot share). */
export class InlineWriter implements BatchSink {
  private readonly writer: BatchWriter;

  constructor(db: Database.Database) {
    this.writer = new BatchWriter(db);
  }

  async write(batch: EncodedBatch): Promise<WriteResult> {
    return classified(() => this.writer.write(batch));
  }

  async deleteExpired(now: bigint): Promise<number> {
    return classified(() => this.writer.deleteExpired(now));
  }

  async setCosts(changes: readonly CostChange[]): Promise<number> {
    return classified(() => this.writer.setCosts(changes));
  }

  async delete(deletion: Deletion): Promise<Deleted> {
    return classified(() => this.writer.delete(deletion));
  }

  async close(): Promise<void> {}
}

function classified<T>(write: () => T): T {
  try {
    return write();
  } catch (err) {
    const e = err as Error & { code?: string };
    throw writeFailure(e.message, e.code);
  }
}

type Request =
  | { op: 'write'; batch: EncodedBatch }
  | { op: 'deleteExpired'; now: bigint }
  | { op: 'setCosts'; changes: readonly CostChange[] }
  | { op: 'delete'; deletion: Deletion };

interface Pending {
  readonly message: WriterRequest;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  /** Writer threads that stopped while this request was the one being applied. */
  crashes: number;
  /** The thread it was last sent to. */
  sentTo: Worker | null;
}

/** How many times a writer thread may stop on one request before the request is refused. */
const CRASHES_PER_REQUEST = 2;

/**
 * Writes on a worker thread, so committing one batch overlaps with receiving and decoding the
 * next. Requests are applied in order; each resolves when its transaction has committed.
 *
 * A request stays here until its answer comes (it is copied to the thread, not moved), so a
 * thread that dies — out of memory, say — is replaced and everything it had not answered is
 * sent again; writes are idempotent, so a commit whose answer was lost is harmless to repeat.
 * A request that stops {@link CRASHES_PER_REQUEST} threads is refused with a
 * {@link WriterError}: it is its data, not the moment.
 */
export class ThreadWriter implements BatchSink {
  private worker: Worker | null = null;
  /** The thread once it has opened the database; requests are sent to it. */
  private live: Worker | null = null;
  private ready: Promise<void> | null = null;
  /** Unanswered requests, in the order they were sent (a Map keeps insertion order). */
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** Writer threads replaced after stopping unexpectedly. */
  restarts = 0;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly onRestart: (reason: string) => void = () => undefined,
    /** Starts a writer thread (tests wrap it to stop threads at chosen moments). */
    private readonly spawnWorker: (options: ConnectionOptions) => Worker = createWorker,
  ) {}

  /** Starts the worker now (it otherwise starts on first use). */
  start(): Promise<void> {
    if (!this.ready) this.ready = this.spawn();
    return this.ready;
  }

  async write(batch: EncodedBatch): Promise<WriteResult> {
    return (await this.call({ op: 'write', batch })) as WriteResult;
  }

  async deleteExpired(now: bigint): Promise<number> {
    return (await this.call({ op: 'deleteExpired', now })) as number;
  }

  async setCosts(changes: readonly CostChange[]): Promise<number> {
    return (await this.call({ op: 'setCosts', changes })) as number;
  }

  async delete(deletion: Deletion): Promise<Deleted> {
    return (await this.call({ op: 'delete', deletion })) as Deleted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready?.catch(() => undefined);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const id = this.nextId++;
    worker.postMessage({ op: 'close', id } satisfies WriterRequest);
    await exited;
  }

  private async call(req: Request): Promise<unknown> {
    if (this.closed) throw new StorageUnavailableError('storage is closed');
    try {
      await this.start();
    } catch (err) {
      throw new StorageUnavailableError(`the writer thread cannot start: ${(err as Error).message}`);
    }
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const pending: Pending = { message: { ...req, id } as WriterRequest, resolve, reject, crashes: 0, sentTo: null };
      this.pending.set(id, pending);
      this.post(pending);
    });
  }

  /** Sends `p` to the live thread, unless it has it already. */
  private post(p: Pending): void {
    if (!this.live || p.sentTo === this.live) return;
    p.sentTo = this.live;
    this.live.postMessage(p.message);
  }

  private spawn(): Promise<void> {
    const worker = this.spawnWorker(this.options);
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      let stopped = false;
      worker.on('message', (reply: WriterReply) => {
        if (reply.id === 0) {
          started = true;
          this.live = worker;
          for (const p of this.pending.values()) this.post(p);
          resolve();
          return;
        }
        const p = this.pending.get(reply.id);
        if (!p) return;
        this.pending.delete(reply.id);
        if (reply.ok) p.resolve(reply.result);
        else p.reject(writeFailure(reply.message, reply.code));
      });
      const stop = (err: Error) => {
        if (stopped) return;
        stopped = true;
        if (this.worker === worker) {
          this.worker = null;
          this.live = null;
          this.ready = null;
        }
        if (!started) {
          // It never opened the database: nothing it held can be retried by starting another.
          for (const p of this.pending.values()) p.reject(new StorageUnavailableError(`the writer thread cannot start: ${err.message}`));
          this.pending.clear();
          reject(err);
          return;
        }
        if (this.closed && this.pending.size === 0) return;
        this.replace(err);
      };
      worker.on('error', stop);
      worker.on('exit', (code) => stop(new Error(`the writer thread exited with code ${code}`)));
    });
  }

  /**
   * A started thread stopped: the request it was applying (the oldest unanswered) is charged
   * with the stop, and everything unanswered goes to a new thread.
   */
  private replace(err: Error): void {
    this.restarts++;
    const first = this.pending.values().next().value as Pending | undefined;
    if (first && ++first.crashes >= CRASHES_PER_REQUEST) {
      this.pending.delete(first.message.id);
      first.reject(new WriterError(`the writer thread stopped ${first.crashes} times on this data (${err.message})`, 'WRITER_STOPPED'));
    }
    this.onRestart(err.message);
    if (this.closed && this.pending.size === 0) return;
    // The new thread is sent everything unanswered once it is up.
    this.start().catch(() => undefined);
  }
}

/**
 * The writer holds little between batches; a small old generation keeps the process's memory
 * down (V8 otherwise lets an idle-looking heap grow large before collecting). Its young
 * generation (24 MB: 8 MiB semi-spaces, twice the main thread's) holds a batch's garbage: a
 * 512-span commit allocates ~3 MB, and with 4 MiB semi-spaces a third of the writer's
 * collections copied a batch still being written; with 8, throughput under `bench/llm-spans.ts`
 * load rose 8–20% for ~10 MiB of RSS.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 24, maxOldGenerationSizeMb: 128 };

/** Starts a writer thread on the database `options` names. */
export function createWorker(options: ConnectionOptions): Worker {
  return moduleWorker('writer-worker', options, WORKER_LIMITS);
}

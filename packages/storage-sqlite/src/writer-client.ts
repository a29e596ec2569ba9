import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WriteResult } from '@sightline/storage';
import type Database from 'better-sqlite3';
import type { CostChange } from './call-writer.js';
import { type EncodedBatch, transferables } from './encoded-batch.js';
import type { ConnectionOptions } from './open-database.js';
import { BatchWriter } from './write-batch.js';
import type { BatchSink, WriterReply, WriterRequest } from './writer-protocol.js';

/** A write failed in the writer; `code` is SQLite's error code when there is one. */
export class WriterError extends Error {
  override readonly name = 'WriterError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Writes on the calling thread (for `:memory:` databases, which a worker cannot share). */
export class InlineWriter implements BatchSink {
  private readonly writer: BatchWriter;

  constructor(db: Database.Database) {
    this.writer = new BatchWriter(db);
  }

  async write(batch: EncodedBatch): Promise<WriteResult> {
    return this.writer.write(batch);
  }

  async deleteExpired(now: bigint): Promise<number> {
    return this.writer.deleteExpired(now);
  }

  async setCosts(changes: readonly CostChange[]): Promise<number> {
    return this.writer.setCosts(changes);
  }

  async close(): Promise<void> {}
}

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };

/**
 * Writes on a worker thread, so committing one batch overlaps with receiving and decoding the
 * next. Requests are applied in order; each resolves when its transaction has committed. If the
 * worker dies, pending writes fail (clients retry) and the next write starts a new worker.
 */
export class ThreadWriter implements BatchSink {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ConnectionOptions) {}

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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.worker) return;
    const worker = this.worker;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    await this.send({ op: 'close' }).catch(() => undefined);
    await exited;
  }

  private async call(
    req: { op: 'write'; batch: EncodedBatch } | { op: 'deleteExpired'; now: bigint } | { op: 'setCosts'; changes: readonly CostChange[] },
  ): Promise<unknown> {
    if (this.closed) throw new WriterError('storage is closed');
    await this.start();
    return this.send(req);
  }

  private send(req: Omit<WriterRequest, 'id'>): Promise<unknown> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new WriterError('the writer thread is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message = { ...req, id } as WriterRequest;
      worker.postMessage(message, message.op === 'write' ? transferables(message.batch) : []);
    });
  }

  private spawn(): Promise<void> {
    const worker = createWorker(this.options);
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      worker.on('message', (reply: WriterReply) => {
        if (reply.id === 0) {
          started = true;
          resolve();
          return;
        }
        const p = this.pending.get(reply.id);
        if (!p) return;
        this.pending.delete(reply.id);
        if (reply.ok) p.resolve(reply.result);
        else p.reject(new WriterError(reply.message, reply.code));
      });
      const fail = (err: Error) => {
        if (this.worker === worker) {
          this.worker = null;
          this.ready = null;
        }
        for (const p of this.pending.values()) p.reject(new WriterError(`the writer thread stopped: ${err.message}`));
        this.pending.clear();
        if (!started) reject(err);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!this.closed || this.pending.size > 0) fail(new Error(`exit code ${code}`));
      });
    });
  }
}

/**
 * The writer holds little between batches; a small heap keeps the process's memory down
 * (V8 otherwise lets an idle-looking heap grow large before collecting).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 };

/**
 * The worker runs the compiled `writer-worker.js` next to this file. When this file is the
 * TypeScript source (tests run from source), the worker loads the source through tsx.
 */
function createWorker(options: ConnectionOptions): Worker {
  const here = import.meta.url;
  if (here.endsWith('.js')) return new Worker(new URL('./writer-worker.js', here), { workerData: options, resourceLimits: WORKER_LIMITS });
  // import.meta.resolve picks tsx's ESM entry; test runners that lack it get the CommonJS one.
  const tsx =
    typeof import.meta.resolve === 'function'
      ? import.meta.resolve('tsx/esm/api')
      : pathToFileURL(createRequire(here).resolve('tsx/esm/api')).href;
  const target = new URL('./writer-worker.ts', here).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(target)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    workerData: options,
    resourceLimits: WORKER_LIMITS,
    execArgv: ['--conditions=@sightline/source'],
  });
}

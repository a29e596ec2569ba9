import type { Worker } from 'node:worker_threads';
import type { OutlineColumns, TreeLayout } from '@sightline/storage';
import { moduleWorker } from './module-worker.js';

/** Lay out trace `traceKey`: its span keys in start order, its outline, or the tree under `rootId`. */
export type LayoutRequest =
  | { readonly id: number; readonly op: 'trace'; readonly traceKey: number }
  | { readonly id: number; readonly op: 'outline'; readonly traceKey: number }
  | { readonly id: number; readonly op: 'tree'; readonly traceKey: number; readonly rootId: string; readonly maxDepth: number | undefined };

export type LayoutReply =
  | { readonly id: number; readonly ok: true; readonly keys: Float64Array | null; readonly depths: Int32Array | null }
  | { readonly id: number; readonly ok: true; readonly outline: OutlineColumns }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly code?: string };

/** Its memory is the trace being laid out: room for a few million spans; a young generation as small as the main thread's (4 MiB semi-spaces). */
const LIMITS = { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 512 };

type Keys = Extract<LayoutReply, { keys: unknown }>;
type Pending = { resolve: (reply: LayoutReply & { ok: true }) => void; reject: (err: Error) => void };

/**
 * Lays out big traces on a worker thread of its own (see layout-worker.ts), so ordering
 * hundreds of thousands of spans never holds the thread that answers requests. Started on
 * first use, stopped after a minute without work.
 */
export class LayoutThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;

  constructor(private readonly path: string) {}

  /** The keys of trace `traceKey`'s spans in start order (ties in storage order). */
  async trace(traceKey: number): Promise<number[]> {
    const reply = (await this.ask({ op: 'trace', traceKey })) as Keys;
    return Array.from(reply.keys ?? []);
  }

  /** The tree under `rootId` in trace `traceKey`, or null when the span is not there. */
  async tree(traceKey: number, rootId: string, maxDepth: number | undefined): Promise<TreeLayout | null> {
    const reply = (await this.ask({ op: 'tree', traceKey, rootId, maxDepth })) as Keys;
    return reply.keys && reply.depths ? { keys: Array.from(reply.keys), depths: Array.from(reply.depths) } : null;
  }

  /** Trace `traceKey`'s outline columns. */
  async outline(traceKey: number): Promise<OutlineColumns> {
    const reply = (await this.ask({ op: 'outline', traceKey })) as Extract<LayoutReply, { outline: unknown }>;
    return reply.outline;
  }

  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private ask(req: { op: 'trace' | 'outline'; traceKey: number } | Omit<Extract<LayoutRequest, { op: 'tree' }>, 'id'>) {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<LayoutReply & { ok: true }>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...req, id } as LayoutRequest);
    });
  }

  private start(): Worker {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (this.worker) return this.worker;
    const worker = moduleWorker('layout-worker', { path: this.path }, LIMITS);
    worker.unref();
    worker.on('message', (reply: LayoutReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply);
      else p.reject(Object.assign(new Error(reply.message), { code: reply.code }));
      if (this.pending.size === 0) this.idle = setTimeout(() => void this.close(), 60_000).unref();
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the layout thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

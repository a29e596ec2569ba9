import type { SpanWriter } from './span-writer.js';
import type { TraceReader } from './trace-reader.js';

/** A storage backend: its writer, its reader, and its lifecycle. */
export interface Storage {
  /** 'memory', 'sqlite', … — for logs and `/healthz`. */
  readonly kind: string;
  readonly writer: SpanWriter;
  readonly reader: TraceReader;
  /** Deletes traces whose spans have all expired by `nowUnixNano`; returns how many spans went. */
  deleteExpired(nowUnixNano: bigint): Promise<number>;
  /** Flushes and releases everything. Calls after close fail. */
  close(): Promise<void>;
}

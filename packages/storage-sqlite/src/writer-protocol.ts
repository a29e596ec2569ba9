import type { WriteResult } from '@sightline/storage';
import type { CostChange } from './call-writer.js';
import type { EncodedBatch } from './encoded-batch.js';
import type { ConnectionOptions } from './open-database.js';

/** Messages between a {@link ThreadWriter} and its worker. */
export type WriterRequest =
  | { readonly id: number; readonly op: 'write'; readonly batch: EncodedBatch }
  | { readonly id: number; readonly op: 'deleteExpired'; readonly now: bigint }
  | { readonly id: number; readonly op: 'setCosts'; readonly changes: readonly CostChange[] }
  | { readonly id: number; readonly op: 'close' };

export type WriterReply =
  | { readonly id: number; readonly ok: true; readonly result: WriteResult | number | null }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly code?: string };

export type WriterInit = ConnectionOptions;

/** Where encoded batches go: a writer on this thread or on its own. */
export interface BatchSink {
  write(batch: EncodedBatch): Promise<WriteResult>;
  deleteExpired(now: bigint): Promise<number>;
  setCosts(changes: readonly CostChange[]): Promise<number>;
  close(): Promise<void>;
}

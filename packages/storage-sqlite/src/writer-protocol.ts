import type { RetentionCutoff, RetentionStep, WriteResult } from '@sightline/storage';
import type { CostChange } from './call-writer.js';
import type { EncodedBatch } from './encoded-batch.js';
import type { ConnectionOptions } from './open-database.js';

/** Traces to delete: by id, or past their project's retention (a bounded step). */
export type Deletion =
  | { readonly kind: 'traces'; readonly project: string; readonly traceIds: readonly string[] }
  | { readonly kind: 'older'; readonly cutoffs: readonly RetentionCutoff[]; readonly maxTraces: number };

/** What a deletion removed (`logs` and `metricPoints` by retention only; a trace's own logs go with it). */
export type Deleted = RetentionStep;

/** Messages between a {@link ThreadWriter} and its worker. */
export type WriterRequest =
  | { readonly id: number; readonly op: 'write'; readonly batch: EncodedBatch }
  | { readonly id: number; readonly op: 'deleteExpired'; readonly now: bigint }
  | { readonly id: number; readonly op: 'setCosts'; readonly changes: readonly CostChange[] }
  | { readonly id: number; readonly op: 'delete'; readonly deletion: Deletion }
  | { readonly id: number; readonly op: 'close' };

export type WriterReply =
  | { readonly id: number; readonly ok: true; readonly result: WriteResult | Deleted | number | null }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly code?: string };

export type WriterInit = ConnectionOptions;

/** Where encoded batches go: a writer on this thread or on its own. */
export interface BatchSink {
  write(batch: EncodedBatch): Promise<WriteResult>;
  deleteExpired(now: bigint): Promise<number>;
  setCosts(changes: readonly CostChange[]): Promise<number>;
  delete(deletion: Deletion): Promise<Deleted>;
  close(): Promise<void>;
}

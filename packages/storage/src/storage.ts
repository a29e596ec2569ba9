import type { CallCost, PricedFields } from '@sightline/core';
import type { AccessStore } from './access/access-store.js';
import type { CallReader } from './call-reader.js';
import type { RepriceResult } from './call-results.js';
import type { DatasetStore } from './datasets.js';
import type { OtelMetricStore } from './otel-metrics/otel-metric-store.js';
import type { TelemetryWriter } from './telemetry-writer.js';
import type { TraceReader } from './trace-reader.js';

/** A storage backend: its writer, its reader, and its lifecycle. */
export interface Storage {
  /** 'memory', 'sqlite', … — for logs and `/healthz`. */
  readonly kind: string;
  readonly writer: TelemetryWriter;
  readonly reader: TraceReader;
  readonly calls: CallReader;
  /** Named datasets of rows; a backend without them leaves it out (the API then answers 501). */
  readonly datasets?: DatasetStore;
  /** OTLP metrics; a backend without them leaves it out (the API then answers 501). */
  readonly otelMetrics?: OtelMetricStore;
  /** Projects, API keys, usage and the audit log (see {@link AccessStore}). */
  readonly access: AccessStore;
  /** Deleting stored data (expiry, retention, deletion on request); a backend that cannot leaves it out. */
  readonly purger?: Purger;
  /** Pricing stored calls again; a backend that cannot leaves it out. */
  readonly repricer?: Repricer;
  /** Flushes and releases everything. Calls after close fail. */
  close(): Promise<void>;
  /** How the backend is doing, for `/healthz`; backends without moving parts leave it out. */
  health?(): StorageHealth;
}

/**
 * Deleting stored data. Optional: without it, deletion routes answer 501 and nothing expires.
 * Every deletion removes a trace whole — spans, LLM calls, log records, search text — and its
 * share of every total (sessions, users, dashboards).
 */
export interface Purger {
  /** Deletes traces whose spans have all expired by `nowUnixNano`; returns how many spans went. */
  deleteExpired(nowUnixNano: bigint): Promise<number>;
  /** Deletes the project's traces named; ids it does not hold are skipped. Returns how many spans went. */
  deleteTraces(project: string, traceIds: readonly string[]): Promise<number>;
  /**
   * Deletes, in one short step, up to `maxTraces` traces (oldest first) of the projects given
   * that started before each one's cutoff, and up to ten times as many of their log records and
   * OTLP metric points older than it. Called again until it deletes nothing, it removes all of
   * them without holding the store for long.
   */
  deleteOlderThan(cutoffs: readonly RetentionCutoff[], maxTraces: number): Promise<RetentionStep>;
  /** The projects that hold data, by name (what retention looks through). */
  dataProjects(): Promise<string[]>;
}

/** Pricing stored calls again. Optional: without it, recomputing costs answers 501. */
export interface Repricer {
  /**
   * Prices every stored call again and updates every total that includes it. `price` is
   * given what pricing reads of a call, with the cost the source itself reported, if any, as
   * `costUsd` / `costBreakdown` and `costSource: 'source'` (else null): never a cost an earlier
   * pricing computed.
   */
  repriceCalls(price: (call: PricedFields) => CallCost): Promise<RepriceResult>;
}

/** What one step of retention deleted. */
export interface RetentionStep {
  readonly traces: number;
  readonly spans: number;
  readonly logs: number;
  readonly metricPoints: number;
}

/** Traces of `project` that started before `beforeUnixNano` are past its retention. */
export interface RetentionCutoff {
  readonly project: string;
  readonly beforeUnixNano: bigint;
}

/** What a backend reports of itself. */
export interface StorageHealth {
  /** Writer threads that stopped unexpectedly and were replaced (their work was retried). */
  readonly writerRestarts: number;
  /**
   * The first damage an operation met in the stored data (a corrupt page, a file that is not a
   * database), or null. Reads that meet it fail with `StorageDamagedError`; the rest go on.
   */
  readonly damage: string | null;
  /** Why the store refuses writes (see `StorageRefusesWritesError`), until one succeeds again; or null. */
  readonly writeProblem?: string | null;
}

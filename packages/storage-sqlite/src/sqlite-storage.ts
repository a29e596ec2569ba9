import type { CallCost, PricedFields } from '@sightline/core';
import {
  type AccessStore,
  type CallReader,
  type DatasetStore,
  type GetSpanQuery,
  type GetTraceQuery,
  type OtelMetricStore,
  type Page,
  type PreparedWrites,
  type Purger,
  type ReaderCapabilities,
  type RepriceResult,
  type Repricer,
  type RetentionCutoff,
  type RetentionStep,
  type SpanTreeNode,
  type SpanTreeQuery,
  type Storage,
  StorageClosedError,
  type StorageDamagedError,
  type StorageHealth,
  StorageRefusesWritesError,
  type StoredSpan,
  type TelemetryWriter,
  type TraceDetail,
  type TraceLayout,
  type TraceOutline,
  type TraceQuery,
  type TraceReader,
  type TraceSummary,
  type TraceTextQuery,
  type TreeLayout,
  type WriteGroup,
  type WriteResult,
} from '@sightline/storage';
import type Database from 'better-sqlite3';
import { decodeSourceCost, num } from './call-rows.js';
import type { CostChange } from './call-writer.js';
import { DamageWatch } from './damage-watch.js';
import type { DatabaseLock } from './database-lock.js';
import { encodeBatch, encodeGroup } from './encode-batch.js';
import type { EncodedGroup } from './encoded-batch.js';
import { holdDatabase } from './hold-database.js';
import { LayoutThread } from './layout-thread.js';
import { openConnection, WRITER_CACHE_MIB } from './open-database.js';
import { migrate } from './schema/migrations.js';
import { SqliteAccess } from './sqlite-access.js';
import { SqliteDatasets } from './sqlite-datasets.js';
import { SqliteOtelMetrics } from './sqlite-otel-metrics.js';
import { SqliteReader } from './sqlite-reader.js';
import { watchedCalls, watchedSink } from './watched.js';
import { InlineWriter, ThreadWriter } from './writer-client.js';
import type { BatchSink } from './writer-protocol.js';

/**
 * Calls read and priced per slice when repricing (a few milliseconds of work each); between
 * slices the event loop runs, so the server goes on answering while it reprices.
 */
const REPRICE_PAGE = 1000;

interface RepriceRow {
  id: bigint;
  ts: bigint;
  provider: string | null;
  host_provider: string | null;
  request_model: string | null;
  model: string | null;
  input_tokens: bigint | null;
  output_tokens: bigint | null;
  cache_read_tokens: bigint | null;
  cache_write_tokens: bigint | null;
  reasoning_tokens: bigint | null;
  source_cost: string | null;
  cost_usd: number | bigint | null;
  cost_source: string | null;
  price_model: string | null;
}

function pricedFields(row: RepriceRow): PricedFields {
  const source = decodeSourceCost(row.source_cost);
  return {
    model: row.model,
    requestModel: row.request_model,
    provider: row.provider,
    hostProvider: row.host_provider,
    timestamp: row.ts,
    inputTokens: num(row.input_tokens),
    outputTokens: num(row.output_tokens),
    cacheReadTokens: num(row.cache_read_tokens),
    cacheWriteTokens: num(row.cache_write_tokens),
    reasoningTokens: num(row.reasoning_tokens),
    sourceCostUsd: source?.usd ?? null,
    sourceCostBreakdown: source?.breakdown ?? null,
  };
}

export interface SqliteStorageOptions {
  /** Path of the database file; created with its directory when missing. `:memory:` works too. */
  readonly path: string;
  /**
   * `normal` (default): a commit survives the process being killed, not the machine losing
   * power. `full`: it survives both, at some cost in write throughput.
   */
  readonly durability?: 'normal' | 'full';
  /** Page cache of the reading connection, in MiB (default 32; the writer's is 16). */
  readonly cacheMiB?: number;
  /** Commit on a worker thread (default), so writing overlaps with receiving and decoding. */
  readonly writerThread?: boolean;
  /** Told when the writer thread stopped unexpectedly and is being replaced (its work is retried). */
  readonly onWriterRestart?: (reason: string) => void;
  /** Told once, when an operation first meets damage in the database (see `health().damage`). */
  readonly onDamage?: (damage: StorageDamagedError) => void;
  /**
   * Index each new span's text for free-text search (default true). Off, writes skip the index
   * (less CPU per span) and queries with text are refused; spans stored while it is off are
   * never searchable.
   */
  readonly searchIndex?: boolean;
}

/**
 * The embedded SQLite backend (better-sqlite3): WAL journal, versioned migrations, batched
 * idempotent writes on a writer thread, reads on the calling thread's own connection.
 * A database file is held by one store at a time (see {@link holdDatabase}); read-only
 * connections may still open it.
 */
export class SqliteStorage implements Storage, TelemetryWriter, TraceReader, Purger, Repricer {
  readonly kind = 'sqlite';
  readonly path: string;
  private readonly db: Database.Database;
  private readonly sink: BatchSink;
  private readonly threadWriter: ThreadWriter | null = null;
  private readonly sqliteReader: SqliteReader;
  private readonly callReader: CallReader;
  /** Named datasets (see {@link SqliteDatasets}). */
  readonly datasets: DatasetStore;
  /** OTLP metrics (see {@link SqliteOtelMetrics}). */
  readonly otelMetrics: OtelMetricStore;
  /** Projects, keys, usage and audit (see {@link SqliteAccess}). */
  readonly access: AccessStore;
  private readonly lock: DatabaseLock | null;
  private readonly layoutThread: LayoutThread | null;
  private readonly watch: DamageWatch;
  private readonly searchIndex: boolean;
  private closed = false;
  private projectNames: Database.Statement | null = null;
  /** Why the last write was refused by the database itself (read-only, no permission); null once one succeeds. */
  private writeProblem: string | null = null;

  /** Throws `DatabaseInUseError` when another store (in any process) holds the file. */
  constructor(options: SqliteStorageOptions) {
    this.path = options.path;
    this.searchIndex = options.searchIndex ?? true;
    this.watch = new DamageWatch(options.path, options.onDamage);
    // Before migrating: a second server must not migrate the database under the first.
    this.lock = options.path === ':memory:' ? null : holdDatabase(options.path);
    try {
      this.db = openConnection(options);
      migrate(this.db);
    } catch (err) {
      this.lock?.release();
      throw this.watch.check(err) ?? err;
    }
    this.layoutThread = options.path === ':memory:' ? null : new LayoutThread(options.path);
    this.sqliteReader = new SqliteReader(this.db, this.layoutThread, this.searchIndex);
    this.callReader = watchedCalls(this.sqliteReader.callReader(), this.watch);
    this.datasets = new SqliteDatasets(this.db, this.watch);
    this.otelMetrics = new SqliteOtelMetrics(this.db, this.watch);
    this.access = new SqliteAccess(this.db, this.watch);
    if (options.path === ':memory:' || options.writerThread === false) {
      this.sink = watchedSink(new InlineWriter(this.db), this.watch);
    } else {
      const writer = new ThreadWriter({ path: options.path, durability: options.durability, cacheMiB: WRITER_CACHE_MIB }, (reason) =>
        options.onWriterRestart?.(reason),
      );
      // Start at once; a failure to start is reported by the first write.
      writer.start().catch(() => undefined);
      this.sink = watchedSink(writer, this.watch);
      this.threadWriter = writer;
    }
  }

  /** This store deletes and reprices itself. */
  get purger(): Purger {
    return this;
  }

  get repricer(): Repricer {
    return this;
  }

  get writer(): TelemetryWriter {
    return this;
  }

  get reader(): TraceReader {
    return this;
  }

  get calls(): CallReader {
    this.assertOpen();
    return this.callReader;
  }

  get capabilities(): ReaderCapabilities {
    return this.sqliteReader.capabilities;
  }

  async write(batch: readonly WriteGroup[]): Promise<WriteResult> {
    this.assertOpen();
    return this.noted(this.sink.write(encodeBatch(batch, { search: this.searchIndex })));
  }

  /** Keeps `health().writeProblem` current with how writes end. */
  private async noted(write: Promise<WriteResult>): Promise<WriteResult> {
    try {
      const result = await write;
      this.writeProblem = null;
      return result;
    } catch (err) {
      if (err instanceof StorageRefusesWritesError) this.writeProblem = err.message;
      throw err;
    }
  }

  /** Encoding is the prepare step; committing encoded groups is the write. */
  readonly prepared: PreparedWrites<EncodedGroup> = {
    prepare: (group) => {
      this.assertOpen();
      return encodeGroup(group, { search: this.searchIndex });
    },
    writePrepared: async (groups) => {
      this.assertOpen();
      return this.noted(this.sink.write({ groups: [...groups] }));
    },
  };

  findTraces(q: TraceQuery): Promise<Page<TraceSummary>> {
    this.assertOpen();
    return this.watch.read(() => this.sqliteReader.findTraces(q));
  }

  getTrace(q: GetTraceQuery): Promise<TraceDetail | null> {
    this.assertOpen();
    return this.watch.read(() => this.sqliteReader.getTrace(q));
  }

  getSpanTree(q: SpanTreeQuery): Promise<SpanTreeNode | null> {
    this.assertOpen();
    return this.watch.read(() => this.sqliteReader.getSpanTree(q));
  }

  getTraceLayout(q: GetTraceQuery): Promise<TraceLayout | null> {
    this.assertOpen();
    return this.watch.read(() => this.sqliteReader.getTraceLayout(q));
  }

  getTreeLayout(q: SpanTreeQuery): Promise<TreeLayout | null> {
    this.assertOpen();
    return this.watch.read(() => this.sqliteReader.getTreeLayout(q));
  }

  getSpan(q: GetSpanQuery): Promise<StoredSpan | null> {
    this.assertOpen();
    return this.watch.read(() => this.sqliteReader.getSpan(q));
  }

  getTraceOutline(q: GetTraceQuery): Promise<TraceOutline | null> {
    this.assertOpen();
    return this.watch.read(() => this.sqliteReader.getTraceOutline(q));
  }

  findSpansInTrace(q: TraceTextQuery): Promise<string[] | null> {
    this.assertOpen();
    return this.watch.read(() => this.sqliteReader.findSpansInTrace(q));
  }

  readSpans(project: string, keys: readonly number[]): Promise<(StoredSpan | null)[]> {
    this.assertOpen();
    return this.watch.read(() => this.sqliteReader.readSpans(project, keys));
  }

  /**
   * Reads the calls in pages of {@link REPRICE_PAGE} on this connection, prices them, and
   * has the writer apply the costs that changed, a page per transaction, letting the event
   * loop run between pages.
   */
  async repriceCalls(price: (call: PricedFields) => CallCost): Promise<RepriceResult> {
    this.assertOpen();
    return this.watch.read(() => this.reprice(price));
  }

  private async reprice(price: (call: PricedFields) => CallCost): Promise<RepriceResult> {
    const page = this.db
      .prepare(
        `SELECT id, ts, provider, host_provider, request_model, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
           reasoning_tokens, source_cost, cost_usd, cost_source, price_model FROM llm_calls WHERE id > ? ORDER BY id LIMIT ${REPRICE_PAGE}`,
      )
      .safeIntegers(true);
    let after = 0n;
    let calls = 0;
    let changed = 0;
    for (;;) {
      const rows = page.all(after) as RepriceRow[];
      if (rows.length === 0) break;
      const changes: CostChange[] = [];
      for (const row of rows) {
        calls++;
        const cost = price(pricedFields(row));
        const before = row.cost_usd === null ? null : Number(row.cost_usd);
        if (cost.costUsd === before && cost.costSource === row.cost_source && cost.priceModel === row.price_model) continue;
        const b = cost.costBreakdown;
        changes.push({
          id: Number(row.id),
          costUsd: cost.costUsd,
          breakdown: [b?.input ?? null, b?.cacheRead ?? null, b?.cacheWrite ?? null, b?.output ?? null, b?.reasoning ?? null],
          source: cost.costSource,
          priceModel: cost.priceModel,
        });
      }
      if (changes.length) await this.sink.setCosts(changes);
      changed += changes.length;
      after = (rows[rows.length - 1] as RepriceRow).id;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { calls, changed };
  }

  async deleteExpired(nowUnixNano: bigint): Promise<number> {
    this.assertOpen();
    return this.sink.deleteExpired(nowUnixNano);
  }

  async deleteTraces(project: string, traceIds: readonly string[]): Promise<number> {
    this.assertOpen();
    return (await this.sink.delete({ kind: 'traces', project, traceIds })).spans;
  }

  async deleteOlderThan(cutoffs: readonly RetentionCutoff[], maxTraces: number): Promise<RetentionStep> {
    this.assertOpen();
    return this.sink.delete({ kind: 'older', cutoffs, maxTraces });
  }

  async dataProjects(): Promise<string[]> {
    this.assertOpen();
    this.projectNames ??= this.db.prepare('SELECT name FROM projects ORDER BY name').pluck();
    const names = this.projectNames;
    return this.watch.read(async () => names.all() as string[]);
  }

  health(): StorageHealth {
    return {
      writerRestarts: this.threadWriter?.restarts ?? 0,
      damage: this.watch.damage?.message ?? null,
      writeProblem: this.writeProblem,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sink.close();
    await this.layoutThread?.close();
    this.db.close();
    this.lock?.release();
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageClosedError();
  }
}

import {
  type GetTraceQuery,
  type Page,
  type PreparedWrites,
  type ReaderCapabilities,
  type WriteGroup,
  type SpanTreeNode,
  type SpanTreeQuery,
  type TelemetryWriter,
  type Storage,
  StorageClosedError,
  type TraceDetail,
  type TraceQuery,
  type TraceReader,
  type TraceSummary,
  type WriteResult,
} from '@sightline/storage';
import type Database from 'better-sqlite3';
import { encodeBatch, encodeGroup } from './encode-batch.js';
import type { EncodedGroup } from './encoded-batch.js';
import { openConnection, WRITER_CACHE_MIB } from './open-database.js';
import { migrate } from './schema/migrations.js';
import { SqliteReader } from './sqlite-reader.js';
import { InlineWriter, ThreadWriter } from './writer-client.js';
import type { BatchSink } from './writer-protocol.js';

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
}

/**
 * The embedded SQLite backend (better-sqlite3): WAL journal, versioned migrations, batched
 * idempotent writes on a writer thread, reads on the calling thread's own connection.
 */
export class SqliteStorage implements Storage, TelemetryWriter, TraceReader {
  readonly kind = 'sqlite';
  readonly path: string;
  private readonly db: Database.Database;
  private readonly sink: BatchSink;
  private readonly sqliteReader: SqliteReader;
  private closed = false;

  constructor(options: SqliteStorageOptions) {
    this.path = options.path;
    this.db = openConnection(options);
    migrate(this.db);
    this.sqliteReader = new SqliteReader(this.db);
    if (options.path === ':memory:' || options.writerThread === false) {
      this.sink = new InlineWriter(this.db);
    } else {
      const writer = new ThreadWriter({ path: options.path, durability: options.durability, cacheMiB: WRITER_CACHE_MIB });
      // Start at once; a failure to start is reported by the first write.
      writer.start().catch(() => undefined);
      this.sink = writer;
    }
  }

  get writer(): TelemetryWriter {
    return this;
  }

  get reader(): TraceReader {
    return this;
  }

  get capabilities(): ReaderCapabilities {
    return this.sqliteReader.capabilities;
  }

  async write(batch: readonly WriteGroup[]): Promise<WriteResult> {
    this.assertOpen();
    return this.sink.write(encodeBatch(batch));
  }

  /** Encoding is the prepare step; committing encoded groups is the write. */
  readonly prepared: PreparedWrites<EncodedGroup> = {
    prepare: (group) => {
      this.assertOpen();
      return encodeGroup(group);
    },
    writePrepared: async (groups) => {
      this.assertOpen();
      return this.sink.write({ groups: [...groups] });
    },
  };

  findTraces(q: TraceQuery): Promise<Page<TraceSummary>> {
    this.assertOpen();
    return this.sqliteReader.findTraces(q);
  }

  getTrace(q: GetTraceQuery): Promise<TraceDetail | null> {
    this.assertOpen();
    return this.sqliteReader.getTrace(q);
  }

  getSpanTree(q: SpanTreeQuery): Promise<SpanTreeNode | null> {
    this.assertOpen();
    return this.sqliteReader.getSpanTree(q);
  }

  async deleteExpired(nowUnixNano: bigint): Promise<number> {
    this.assertOpen();
    return this.sink.deleteExpired(nowUnixNano);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sink.close();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageClosedError();
  }
}

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  buildSpanTree,
  DEFAULT_ORDER,
  encodeCursor,
  type GetTraceQuery,
  type Page,
  type ReaderCapabilities,
  type SpanGroup,
  type SpanTreeNode,
  type SpanTreeQuery,
  type SpanWriter,
  type Storage,
  StorageClosedError,
  type StoredSpan,
  type TraceDetail,
  type TraceQuery,
  type TraceReader,
  type TraceSummary,
  type WriteResult,
} from '@sightline/storage';
import Database from 'better-sqlite3';
import { Dimensions } from './dimensions.js';
import { blobToHex, hexToBlob } from './ids.js';
import { migrate } from './schema/migrations.js';
import { rowToSpan, type SpanRow } from './span-rows.js';
import { TRACE_SUMMARY_COLUMNS, traceQuerySql } from './trace-query-sql.js';
import { BatchWriter } from './write-batch.js';

export interface SqliteStorageOptions {
  /** Path of the database file; created with its directory when missing. `:memory:` works too. */
  readonly path: string;
  /**
   * `normal` (default): a commit survives the process being killed, not the machine losing
   * power. `full`: it survives both, at some cost in write throughput.
   */
  readonly durability?: 'normal' | 'full';
  /** Page cache size in MiB (default 64). */
  readonly cacheMiB?: number;
}

interface SummaryRow {
  id: bigint;
  trace_id: Buffer;
  start_ns: bigint;
  end_ns: bigint;
  span_count: bigint;
  error_count: bigint;
  root_span_id: Buffer;
  root_name: string;
  root_service: string;
  root_is_complete: bigint;
  sort_value?: bigint | Buffer;
}

const SPAN_SELECT = 'SELECT s.*, t.trace_id, ? AS project FROM spans s JOIN traces t ON t.id = s.trace_key';

/**
 * The embedded SQLite backend (better-sqlite3): WAL journal, versioned migrations, batched
 * idempotent writes. One connection serves writes and reads; better-sqlite3 is synchronous,
 * so each call completes before the next begins.
 */
export class SqliteStorage implements Storage, SpanWriter, TraceReader {
  readonly kind = 'sqlite';
  readonly capabilities: ReaderCapabilities = { attributeFilters: true, resourceAttributeFilters: true, offsetPaging: true };
  readonly path: string;
  private readonly db: Database.Database;
  private readonly dims: Dimensions;
  private readonly batchWriter: BatchWriter;
  private readonly stmts;
  private closed = false;

  constructor(options: SqliteStorageOptions) {
    this.path = options.path;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma(`cache_size = -${(options.cacheMiB ?? 64) * 1024}`);
    this.db.pragma('temp_store = MEMORY');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.dims = new Dimensions(this.db);
    this.batchWriter = new BatchWriter(this.db, this.dims);
    this.stmts = {
      traceByIdSummary: this.db
        .prepare(`SELECT ${TRACE_SUMMARY_COLUMNS} FROM traces t WHERE t.project_id = ? AND t.trace_id = ?`)
        .safeIntegers(true),
      spansOfTrace: this.db.prepare(`${SPAN_SELECT} WHERE s.trace_key = ? ORDER BY s.start_ns, s.rowid`).safeIntegers(true),
      traceOfSpan: this.db
        .prepare(
          'SELECT s.trace_key FROM spans s JOIN traces t ON t.id = s.trace_key WHERE s.span_id = ? AND t.project_id = ? ORDER BY s.trace_key DESC LIMIT 1',
        )
        .pluck()
        .safeIntegers(true),
      expiredTraces: this.db
        .prepare('SELECT id FROM traces WHERE expires_at_ns IS NOT NULL AND expires_at_ns <= ? LIMIT 1000')
        .pluck()
        .safeIntegers(true),
      deleteSpansOfTrace: this.db.prepare('DELETE FROM spans WHERE trace_key = ?'),
      deleteTrace: this.db.prepare('DELETE FROM traces WHERE id = ?'),
    };
  }

  get writer(): SpanWriter {
    return this;
  }

  get reader(): TraceReader {
    return this;
  }

  async write(batch: readonly SpanGroup[]): Promise<WriteResult> {
    this.assertOpen();
    return this.batchWriter.write(batch);
  }

  async findTraces(q: TraceQuery): Promise<Page<TraceSummary>> {
    this.assertOpen();
    const projectId = this.dims.projectId(q.project, false);
    if (projectId === null) return { items: [], nextCursor: null };
    const { sql, params } = traceQuerySql(q, projectId);
    const rows = this.db
      .prepare(sql)
      .safeIntegers(true)
      .all(...params) as SummaryRow[];
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const last = page[page.length - 1];
    const order = q.orderBy ?? DEFAULT_ORDER;
    return {
      items: page.map((row) => toSummary(q.project, row)),
      nextCursor:
        more && last
          ? encodeCursor(order, {
              value: Buffer.isBuffer(last.sort_value) ? blobToHex(last.sort_value) : String(last.sort_value),
              key: String(last.id),
            })
          : null,
    };
  }

  async getTrace(q: GetTraceQuery): Promise<TraceDetail | null> {
    this.assertOpen();
    const projectId = this.dims.projectId(q.project, false);
    if (projectId === null) return null;
    const row = this.stmts.traceByIdSummary.get(projectId, hexToBlob(q.traceId)) as SummaryRow | undefined;
    if (!row) return null;
    return { summary: toSummary(q.project, row), spans: this.spansOf(row.id, q.project) };
  }

  async getSpanTree(q: SpanTreeQuery): Promise<SpanTreeNode | null> {
    this.assertOpen();
    const projectId = this.dims.projectId(q.project, false);
    if (projectId === null) return null;
    const traceKey = this.stmts.traceOfSpan.get(hexToBlob(q.spanId), projectId) as bigint | undefined;
    if (traceKey === undefined) return null;
    return buildSpanTree(this.spansOf(traceKey, q.project), q.spanId, q.maxDepth, q.attributeKeys);
  }

  async deleteExpired(nowUnixNano: bigint): Promise<number> {
    this.assertOpen();
    let removed = 0;
    const sweep = this.db.transaction(() => {
      const ids = this.stmts.expiredTraces.all(nowUnixNano) as bigint[];
      for (const id of ids) {
        removed += this.stmts.deleteSpansOfTrace.run(id).changes;
        this.stmts.deleteTrace.run(id);
      }
      return ids.length;
    });
    while (sweep() > 0) {
      // Sweep in bounded transactions so writers are never held up for long.
    }
    return removed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private spansOf(traceKey: bigint, project: string): StoredSpan[] {
    const rows = this.stmts.spansOfTrace.all(project, traceKey) as SpanRow[];
    return rows.map((row) => rowToSpan(row, this.dims.resource(Number(row.resource_id)), this.dims.scope(Number(row.scope_id))));
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageClosedError();
  }
}

function toSummary(project: string, row: SummaryRow): TraceSummary {
  return {
    project,
    traceId: blobToHex(row.trace_id),
    rootSpanId: blobToHex(row.root_span_id),
    rootSpanName: row.root_name,
    rootIsComplete: row.root_is_complete === 1n,
    serviceName: row.root_service,
    startTimeUnixNano: row.start_ns,
    endTimeUnixNano: row.end_ns,
    spanCount: Number(row.span_count),
    errorCount: Number(row.error_count),
  };
}

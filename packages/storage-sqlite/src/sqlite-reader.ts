import {
  assertSupported,
  buildSpanTree,
  DEFAULT_ORDER,
  type GetSpanQuery,
  type GetTraceQuery,
  MAX_TRACE_MATCHES,
  type Page,
  type ReaderCapabilities,
  type SpanTreeNode,
  type SpanTreeQuery,
  type StoredSpan,
  type TraceDetail,
  type TraceLayout,
  type TraceOutline,
  type TraceQuery,
  type TraceReader,
  type TraceSummary,
  type TraceTextQuery,
  type TreeLayout,
  treeLayout,
  typedWords,
} from '@sightline/storage';
import type Database from 'better-sqlite3';
import { walkBounds } from './bounds-walk.js';
import { firstCallId, lastCallId } from './call-ids.js';
import { DimensionReader } from './dimension-reader.js';
import { hasEntry } from './filter-bloom.js';
import { IdIndex } from './id-index/id-index.js';
import { blobToHex, hexToBlob } from './ids.js';
import { keysetPage } from './keyset-rows.js';
import type { LayoutThread } from './layout-thread.js';
import { OutlineReader } from './outline-rows.js';
import { matchExpression } from './search-index.js';
import { SearchProbe, type TextSearch } from './search-sql.js';
import { walkSorted } from './search-walk.js';
import { TRACE_BOUND_FIELDS } from './sort-bounds.js';
import { rowToSpan, type SpanRow } from './span-rows.js';
import { SqliteCallReader } from './sqlite-call-reader.js';
import { TRACE_SUMMARY_COLUMNS, traceQuerySql, traceSearchWay } from './trace-query-sql.js';
import { traceIndexKey } from './trace-totals-row.js';

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
  llm_call_count: bigint;
  input_tokens: bigint | null;
  output_tokens: bigint | null;
  total_tokens: bigint | null;
  cost_usd: number | bigint | null;
  session_id: string | null;
  user_id: string | null;
  sort_value?: bigint | number | Buffer;
}

/** Traces with more spans than this are laid out on a thread of their own. */
const ON_THREAD_ABOVE = 20_000;

/** Answers trace queries on a connection of its own (WAL lets it read while the writer writes). */
export class SqliteReader implements TraceReader {
  readonly capabilities: ReaderCapabilities;
  private readonly dims: DimensionReader;
  private readonly search: SearchProbe;
  private readonly traceIds: IdIndex;
  private readonly spanIds: IdIndex;
  private readonly outlines: OutlineReader;
  private readonly stmts;
  private readonly readTx: <T>(fn: () => T) => T;

  constructor(
    private readonly db: Database.Database,
    /** Where big traces are laid out; on this thread when absent. */
    private readonly layoutThread: LayoutThread | null = null,
    /** Whether the store indexes spans' text (see `SqliteStorageOptions.searchIndex`). */
    searchIndex = true,
  ) {
    this.capabilities = { attributeFilters: true, resourceAttributeFilters: true, offsetPaging: true, textSearch: searchIndex };
    this.search = new SearchProbe(db);
    db.function('sl_bloom_has', { deterministic: true }, (bloom: unknown, h1: unknown, h2: unknown) =>
      bloom instanceof Uint8Array && hasEntry(bloom, Number(h1), Number(h2)) ? 1 : 0,
    );
    this.dims = new DimensionReader(db);
    this.outlines = new OutlineReader(db);
    this.traceIds = new IdIndex(db, 'trace', 20);
    this.spanIds = new IdIndex(db, 'span', 8);
    this.stmts = {
      summary: db
        .prepare(`SELECT ${TRACE_SUMMARY_COLUMNS} FROM traces t WHERE t.id = ? AND t.project_id = ? AND t.trace_id = ?`)
        .safeIntegers(true),
      spansOf: db
        .prepare(
          'SELECT s.*, t.trace_id, ? AS project FROM spans s JOIN traces t ON t.id = s.trace_key WHERE s.trace_key = ? ORDER BY s.start_ns, s.rowid',
        )
        .safeIntegers(true),
      spanInProject: db
        .prepare('SELECT 1 FROM spans s JOIN traces t ON t.id = s.trace_key WHERE s.trace_key = ? AND s.span_id = ? AND t.project_id = ?')
        .pluck(),
      orderOf: db.prepare('SELECT rowid FROM spans WHERE trace_key = ? ORDER BY start_ns, rowid').pluck(),
      placesOf: db.prepare('SELECT rowid, span_id, parent_span_id FROM spans WHERE trace_key = ? ORDER BY start_ns, rowid').raw(),
      spanCount: db.prepare('SELECT span_count FROM traces WHERE id = ?').pluck(),
      spanInTrace: db
        .prepare(
          'SELECT s.*, t.trace_id, ? AS project FROM spans s JOIN traces t ON t.id = s.trace_key WHERE s.trace_key = ? AND s.span_id = ?',
        )
        .safeIntegers(true),
      spanByKey: db
        .prepare(
          'SELECT s.*, t.trace_id, ? AS project FROM spans s JOIN traces t ON t.id = s.trace_key WHERE s.rowid = ? AND t.project_id = ?',
        )
        .safeIntegers(true),
    };
    const tx = db.transaction((fn: () => unknown) => fn());
    this.readTx = <T>(fn: () => T) => tx(fn) as T;
  }

  /** The reader of calls, sessions, metrics and logs, sharing this connection and its caches. */
  callReader(): SqliteCallReader {
    return new SqliteCallReader(
      this.db,
      this.dims,
      this.traceIds,
      this.spanIds,
      (p, row) => toSummary(p, row as SummaryRow),
      this.readTx,
      this.capabilities.textSearch ? this.search : null,
    );
  }

  async findTraces(q: TraceQuery): Promise<Page<TraceSummary>> {
    assertSupported(this.capabilities, q);
    const projectId = this.dims.projectId(q.project);
    if (projectId === null) return { items: [], nextCursor: null };
    const order = q.orderBy ?? DEFAULT_ORDER;
    const run = (query: TraceQuery, search: TextSearch | null, blocks: string | null = null) => {
      const { sql, params } = traceQuerySql(query, projectId, search, blocks);
      return this.db
        .prepare(sql)
        .safeIntegers(true)
        .all(...params) as SummaryRow[];
    };
    // In an order with sort bounds, read the blocks that can hold the page.
    const list = (query: TraceQuery, search: TextSearch | null) =>
      search === null && query.offset === undefined && TRACE_BOUND_FIELDS.includes(order.field)
        ? walkBounds(this.db, 'trace_bounds', order, projectId, { from: query.startFrom, to: query.startTo }, query.limit, (blocks) =>
            run(query, null, blocks),
          )
        : run(query, search);
    return this.readTx(() => {
      const search = q.text === undefined ? null : this.search.traces(q.text);
      if (q.text !== undefined && (search === null || search.candidates === '[]')) return { items: [], nextCursor: null };
      const rows =
        search && traceSearchWay(q, search) === 'sorted'
          ? walkSorted(
              (cursor, limit) => list({ ...q, text: undefined, cursor, limit }, null),
              (row) => this.search.traceMatches(search, row.id),
              order,
              q.cursor,
              q.limit,
            )
          : list(q, search);
      return keysetPage(rows, q.limit, order, (row) => toSummary(q.project, row));
    });
  }

  async getTrace(q: GetTraceQuery): Promise<TraceDetail | null> {
    const projectId = this.dims.projectId(q.project);
    if (projectId === null) return null;
    const traceBlob = hexToBlob(q.traceId);
    return this.readTx(() => {
      for (const key of this.traceIds.lookup(traceIndexKey(projectId, traceBlob))) {
        const row = this.stmts.summary.get(key, projectId, traceBlob) as SummaryRow | undefined;
        if (row) return { summary: toSummary(q.project, row), spans: this.spansOf(row.id, q.project) };
      }
      return null;
    });
  }

  async getSpanTree(q: SpanTreeQuery): Promise<SpanTreeNode | null> {
    const projectId = this.dims.projectId(q.project);
    if (projectId === null) return null;
    const spanBlob = hexToBlob(q.spanId);
    return this.readTx(() => {
      // Span ids are unique in practice; if two traces share one, the most recent wins.
      const keys = this.spanIds.lookupNewestFirst(spanBlob);
      for (const key of keys) {
        if (this.stmts.spanInProject.get(key, spanBlob, projectId) === undefined) continue;
        return buildSpanTree(this.spansOf(BigInt(key), q.project), q.spanId, q.maxDepth, q.attributeKeys);
      }
      return null;
    });
  }

  /** The summary row of a trace, or null. */
  private summaryRow(q: GetTraceQuery): SummaryRow | null {
    const projectId = this.dims.projectId(q.project);
    if (projectId === null) return null;
    const traceBlob = hexToBlob(q.traceId);
    return this.readTx(() => {
      for (const key of this.traceIds.lookup(traceIndexKey(projectId, traceBlob))) {
        const found = this.stmts.summary.get(key, projectId, traceBlob) as SummaryRow | undefined;
        if (found) return found;
      }
      return null;
    });
  }

  async getTraceLayout(q: GetTraceQuery): Promise<TraceLayout | null> {
    const row = this.summaryRow(q);
    if (!row) return null;
    const summary = toSummary(q.project, row);
    const keys =
      this.layoutThread && summary.spanCount > ON_THREAD_ABOVE
        ? await this.layoutThread.trace(Number(row.id))
        : (this.stmts.orderOf.all(row.id) as number[]);
    return { summary, keys };
  }

  async getTreeLayout(q: SpanTreeQuery): Promise<TreeLayout | null> {
    const projectId = this.dims.projectId(q.project);
    if (projectId === null) return null;
    const spanBlob = hexToBlob(q.spanId);
    const found = this.readTx(() => {
      for (const key of this.spanIds.lookupNewestFirst(spanBlob)) {
        if (this.stmts.spanInProject.get(key, spanBlob, projectId) === undefined) continue;
        return { traceKey: key, spans: this.stmts.spanCount.get(key) as number };
      }
      return null;
    });
    if (!found) return null;
    if (this.layoutThread && found.spans > ON_THREAD_ABOVE) return this.layoutThread.tree(found.traceKey, q.spanId, q.maxDepth);
    const rows = this.stmts.placesOf.all(found.traceKey) as [number, Buffer, Buffer | null][];
    const places = rows.map(([key, span, parent]) => ({
      key,
      spanId: blobToHex(span),
      parentSpanId: parent === null ? null : blobToHex(parent),
    }));
    return treeLayout(places, q.spanId, q.maxDepth);
  }

  /**
   * See `TraceReader.findSpansInTrace`. The index's entries of a trace are its spans' keys (trace
   * key·2²⁰ + the span's ordinal, see call-ids.ts), read in a range; a span's ordinal is its place
   * among the trace's spans in the order they were stored, which is their rowid order.
   */
  async findSpansInTrace(q: TraceTextQuery): Promise<string[] | null> {
    const { words, prefix } = typedWords(q.text);
    // One read transaction: the trace found is the trace searched.
    return this.readTx(() => {
      const row = this.summaryRow(q);
      if (!row) return null;
      if (words.length === 0 && prefix === null) return [];
      const first = firstCallId(Number(row.id));
      this.inTrace ??= {
        hits: this.db.prepare('SELECT rowid - ? FROM span_search WHERE span_search MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?').pluck(),
        ids: this.db.prepare('SELECT span_id FROM spans WHERE trace_key = ? ORDER BY rowid LIMIT ?').pluck(),
      };
      const match = matchExpression(words, false, prefix);
      const ordinals = this.inTrace.hits.all(first, match, first, lastCallId(Number(row.id)), MAX_TRACE_MATCHES) as number[];
      if (ordinals.length === 0) return [];
      const ids = this.inTrace.ids.all(row.id, Math.max(...ordinals) + 1) as Buffer[];
      return ordinals.flatMap((o) => (ids[o] ? [blobToHex(ids[o] as Buffer)] : []));
    });
  }

  /** Statements of {@link findSpansInTrace}, prepared on first use (a store without a search index has no `span_search`). */
  private inTrace: { hits: Database.Statement; ids: Database.Statement } | null = null;

  async getSpan(q: GetSpanQuery): Promise<StoredSpan | null> {
    const row = this.summaryRow(q);
    if (!row) return null;
    const span = this.stmts.spanInTrace.get(q.project, row.id, hexToBlob(q.spanId)) as SpanRow | undefined;
    return span ? rowToSpan(span, this.dims.resource(Number(span.resource_id)), this.dims.scope(Number(span.scope_id))) : null;
  }

  async getTraceOutline(q: GetTraceQuery): Promise<TraceOutline | null> {
    const row = this.summaryRow(q);
    if (!row) return null;
    const summary = toSummary(q.project, row);
    const columns =
      this.layoutThread && summary.spanCount > ON_THREAD_ABOVE
        ? await this.layoutThread.outline(Number(row.id))
        : this.readTx(() => this.outlines.read(Number(row.id)));
    return { summary, ...columns };
  }

  /** One point read per span, by rowid, in one read transaction. */
  async readSpans(project: string, keys: readonly number[]): Promise<(StoredSpan | null)[]> {
    const projectId = this.dims.projectId(project);
    if (projectId === null) return keys.map(() => null);
    return this.readTx(() =>
      keys.map((key) => {
        const row = this.stmts.spanByKey.get(project, key, projectId) as SpanRow | undefined;
        return row ? rowToSpan(row, this.dims.resource(Number(row.resource_id)), this.dims.scope(Number(row.scope_id))) : null;
      }),
    );
  }

  private spansOf(traceKey: bigint, project: string): StoredSpan[] {
    const rows = this.stmts.spansOf.all(project, traceKey) as SpanRow[];
    return rows.map((row) => rowToSpan(row, this.dims.resource(Number(row.resource_id)), this.dims.scope(Number(row.scope_id))));
  }
}

export function toSummary(project: string, row: SummaryRow): TraceSummary {
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
    llmCallCount: Number(row.llm_call_count),
    inputTokens: nullableNumber(row.input_tokens),
    outputTokens: nullableNumber(row.output_tokens),
    totalTokens: nullableNumber(row.total_tokens),
    costUsd: nullableNumber(row.cost_usd),
    sessionId: row.session_id,
    userId: row.user_id,
  };
}

function nullableNumber(v: bigint | number | null): number | null {
  return v === null ? null : Number(v);
}

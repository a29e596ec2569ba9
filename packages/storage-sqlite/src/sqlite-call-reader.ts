import { decodeTypedJson } from '@sightline/core';
import {
  type CallQuery,
  type CallReader,
  callWithContent,
  DEFAULT_CALL_ORDER,
  DEFAULT_SESSION_ORDER,
  decodeAttributes,
  type Facets,
  type FacetsQuery,
  type GetCallQuery,
  type GetSessionQuery,
  type LogQuery,
  type MetricsQuery,
  type MetricsResult,
  type MetricsSeries,
  type MetricsSeriesQuery,
  NO_SEARCH_INDEX,
  type Page,
  roundUsd,
  type SessionDetail,
  type SessionQuery,
  type SessionSummary,
  type StoredCall,
  type StoredLog,
  type StoredSpan,
  type TraceSummary,
  UnsupportedQueryError,
} from '@sightline/storage';
import type Database from 'better-sqlite3';
import { walkBounds } from './bounds-walk.js';
import { firstCallId, lastCallId } from './call-ids.js';
import { callQuerySql, callSearchWay, sessionQuerySql } from './call-query-sql.js';
import { type CallRow, rowToCall } from './call-rows.js';
import type { DimensionReader } from './dimension-reader.js';
import { FacetsQueries, NO_FACETS } from './facets-query.js';
import type { IdIndex } from './id-index/id-index.js';
import { blobToHex, hexToBlob } from './ids.js';
import { keysetPage } from './keyset-rows.js';
import { MetricsQueries } from './metrics-query.js';
import type { SearchProbe, TextSearch } from './search-sql.js';
import { walkSorted } from './search-walk.js';
import { SeriesQueries } from './series-query.js';
import { SessionPages } from './session-page.js';
import { CALL_BOUND_FIELDS } from './sort-bounds.js';
import { rowToSpan, type SpanRow } from './span-rows.js';
import { traceIndexKey } from './trace-totals-row.js';

interface SessionRow {
  id: bigint;
  session_id: string;
  first_ns: bigint;
  last_ns: bigint;
  trace_count: bigint;
  call_count: bigint;
  error_count: bigint;
  input_tokens: bigint;
  input_known: bigint;
  output_tokens: bigint;
  output_known: bigint;
  total_tokens: bigint;
  total_known: bigint;
  cost_usd: number | bigint;
  cost_known: bigint;
  name: string | null;
  labels: string | null;
  sort_value?: bigint | number;
}

interface LogRow {
  trace_id: Buffer | null;
  span_id: Buffer | null;
  time_ns: bigint;
  observed_ns: bigint;
  severity_number: bigint;
  severity_text: string;
  event_name: string;
  body: string;
  attributes: string;
  dropped_attributes_count: bigint;
  flags: bigint;
  resource_id: bigint;
  scope_id: bigint;
}

// `+project_id`: a trace's records are found by the trace (logs_by_trace), never by walking the
// project's records in time order (logs_by_time, which retention uses).
export const LOGS_OF_SPAN_SQL = 'SELECT * FROM logs WHERE trace_id = ? AND span_id = ? AND +project_id = ? ORDER BY time_ns, id LIMIT ?';
export const LOGS_OF_TRACE_SQL = 'SELECT * FROM logs WHERE trace_id = ? AND +project_id = ? ORDER BY time_ns, id LIMIT ?';

/** Answers call, session, metrics and log queries on the reading connection. */
export class SqliteCallReader implements CallReader {
  private readonly metricsQueries: MetricsQueries;
  private readonly seriesQueries: SeriesQueries;
  private readonly facetsQueries: FacetsQueries;
  private readonly sessionPages: SessionPages;
  private readonly stmts;

  constructor(
    private readonly db: Database.Database,
    private readonly dims: DimensionReader,
    private readonly traceIds: IdIndex,
    private readonly spanIds: IdIndex,
    toSummary: (project: string, row: unknown) => TraceSummary,
    private readonly readTx: <T>(fn: () => T) => T,
    /** Looks free text up in the search index; null when the store keeps none. */
    private readonly search: SearchProbe | null = null,
  ) {
    this.metricsQueries = new MetricsQueries(db);
    this.seriesQueries = new SeriesQueries(db);
    this.facetsQueries = new FacetsQueries(db);
    this.sessionPages = new SessionPages(db, toSummary, (row, project) => this.withContent(row, project));
    this.stmts = {
      span: db
        .prepare(
          'SELECT s.*, t.trace_id, ? AS project FROM spans s JOIN traces t ON t.id = s.trace_key WHERE s.trace_key = ? AND s.span_id = ?',
        )
        .safeIntegers(true),
      logsOfSpan: db.prepare(LOGS_OF_SPAN_SQL).safeIntegers(true),
      logsOfTrace: db.prepare(LOGS_OF_TRACE_SQL).safeIntegers(true),
      callBySpan: db
        .prepare(
          'SELECT c.*, t.trace_id FROM llm_calls c JOIN traces t ON t.id = c.trace_key WHERE c.id BETWEEN ? AND ? AND c.span_id = ? AND c.project_id = ?',
        )
        .safeIntegers(true),
      session: db.prepare('SELECT * FROM sessions WHERE project_id = ? AND session_id = ?').safeIntegers(true),
      users: db.prepare('SELECT user_id FROM session_users WHERE session_key = ? ORDER BY user_id').pluck(),
    };
  }

  /** The keys of the project's trace with this id (none when unknown). */
  private traceKeys(projectId: number, traceId: string): number[] {
    return [...new Set(this.traceIds.lookup(traceIndexKey(projectId, hexToBlob(traceId))))];
  }

  async findCalls(q: CallQuery): Promise<Page<StoredCall>> {
    if (q.text !== undefined && !this.search) throw new UnsupportedQueryError(NO_SEARCH_INDEX, 'text');
    const projectId = this.dims.projectId(q.project);
    if (projectId === null) return { items: [], nextCursor: null };
    const probe = this.search;
    const order = q.orderBy ?? DEFAULT_CALL_ORDER;
    return this.readTx(() => {
      const search = q.text === undefined || !probe ? null : probe.calls(q.text);
      if (q.text !== undefined && (search === null || search.candidates === '[]')) return { items: [], nextCursor: null };
      const keys = q.traceId === undefined ? null : this.traceKeys(projectId, q.traceId);
      const run = (query: CallQuery, search: TextSearch | null, blocks: string | null = null) => {
        const { sql, params } = callQuerySql(query, projectId, keys, search, blocks);
        return this.db
          .prepare(sql)
          .safeIntegers(true)
          .all(...params) as CallRow[];
      };
      // In an order with sort bounds, and not within one trace, read the blocks that can hold the page.
      const list = (query: CallQuery, search: TextSearch | null) =>
        search === null && keys === null && CALL_BOUND_FIELDS.includes(order.field)
          ? walkBounds(this.db, 'call_bounds', order, projectId, query, query.limit, (blocks) => run(query, null, blocks))
          : run(query, search);
      const rows =
        search && probe && callSearchWay(q, search) === 'sorted'
          ? walkSorted(
              (cursor, limit) => list({ ...q, text: undefined, cursor, limit }, null),
              (row) => probe.spanMatches(search, row.id),
              order,
              q.cursor,
              q.limit,
            )
          : list(q, search);
      return keysetPage(rows, q.limit, order, (row) => this.withContent(row, q.project));
    });
  }

  async getCall(q: GetCallQuery): Promise<StoredCall | null> {
    const projectId = this.dims.projectId(q.project);
    if (projectId === null) return null;
    const spanBlob = hexToBlob(q.spanId);
    return this.readTx(() => {
      const keys = this.spanIds.lookupNewestFirst(spanBlob);
      for (const key of keys) {
        const row = this.stmts.callBySpan.get(firstCallId(key), lastCallId(key), spanBlob, projectId) as CallRow | undefined;
        if (row) return this.withContent(row, q.project);
      }
      return null;
    });
  }

  async metrics(q: MetricsQuery): Promise<MetricsResult> {
    const projectId = this.dims.projectId(q.project) ?? -1;
    return this.readTx(() => {
      const keys = q.traceId === undefined ? null : this.traceKeys(projectId, q.traceId);
      return this.metricsQueries.run(q, projectId, keys);
    });
  }

  async metricsSeries(q: MetricsSeriesQuery): Promise<MetricsSeries> {
    const projectId = this.dims.projectId(q.project) ?? -1;
    return this.readTx(() => {
      const keys = q.traceId === undefined ? null : this.traceKeys(projectId, q.traceId);
      return this.seriesQueries.run(q, projectId, keys);
    });
  }

  async facets(q: FacetsQuery): Promise<Facets> {
    const projectId = this.dims.projectId(q.project);
    if (projectId === null) return NO_FACETS;
    return this.readTx(() => this.facetsQueries.run(q, projectId));
  }

  async findSessions(q: SessionQuery): Promise<Page<SessionSummary>> {
    const projectId = this.dims.projectId(q.project);
    if (projectId === null) return { items: [], nextCursor: null };
    return this.readTx(() => {
      const { sql, params } = sessionQuerySql(q, projectId);
      const rows = this.db
        .prepare(sql)
        .safeIntegers(true)
        .all(...params) as SessionRow[];
      return keysetPage(rows, q.limit, q.orderBy ?? DEFAULT_SESSION_ORDER, (row) => this.toSession(q.project, row));
    });
  }

  async getSession(q: GetSessionQuery): Promise<SessionDetail | null> {
    const projectId = this.dims.projectId(q.project);
    if (projectId === null) return null;
    return this.readTx(() => {
      const row = this.stmts.session.get(projectId, q.sessionId) as SessionRow | undefined;
      if (!row) return null;
      return { summary: this.toSession(q.project, row), ...this.sessionPages.page(Number(row.id), q) };
    });
  }

  async findLogs(q: LogQuery): Promise<StoredLog[]> {
    const projectId = this.dims.projectId(q.project);
    if (projectId === null) return [];
    const limit = q.limit ?? 1000;
    const traceBlob = hexToBlob(q.traceId);
    const rows = (
      q.spanId === undefined
        ? this.stmts.logsOfTrace.all(traceBlob, projectId, limit)
        : this.stmts.logsOfSpan.all(traceBlob, hexToBlob(q.spanId), projectId, limit)
    ) as LogRow[];
    return rows.map((r) => this.toLog(q.project, r));
  }

  private toSession(project: string, row: SessionRow): SessionSummary {
    const known = (value: bigint | number, count: bigint) => (count > 0n ? Number(value) : null);
    const cost = known(row.cost_usd, row.cost_known);
    return {
      project,
      sessionId: row.session_id,
      firstSeenUnixNano: row.first_ns,
      lastSeenUnixNano: row.last_ns,
      traceCount: Number(row.trace_count),
      callCount: Number(row.call_count),
      errorCount: Number(row.error_count),
      inputTokens: known(row.input_tokens, row.input_known),
      outputTokens: known(row.output_tokens, row.output_known),
      totalTokens: known(row.total_tokens, row.total_known),
      costUsd: cost === null ? null : roundUsd(cost),
      users: this.stmts.users.all(row.id) as string[],
      name: row.name,
      labels: row.labels === null ? {} : (JSON.parse(row.labels) as Record<string, string>),
    };
  }

  private toLog(project: string, r: LogRow): StoredLog {
    return {
      project,
      timeUnixNano: r.time_ns,
      observedTimeUnixNano: r.observed_ns,
      severityNumber: Number(r.severity_number),
      severityText: r.severity_text,
      body: decodeTypedJson(r.body),
      attributes: decodeAttributes(r.attributes),
      droppedAttributesCount: Number(r.dropped_attributes_count),
      flags: Number(r.flags),
      traceId: r.trace_id === null ? null : blobToHex(r.trace_id),
      spanId: r.span_id === null ? null : blobToHex(r.span_id),
      eventName: r.event_name,
      resource: this.dims.resource(Number(r.resource_id)),
      scope: this.dims.scope(Number(r.scope_id)),
    };
  }

  /** A call row as readers return it: content from its span and its span's log events. */
  private withContent(row: CallRow, project: string): StoredCall {
    const call = rowToCall(row, project);
    const spanRow = this.stmts.span.get(project, row.trace_key, row.span_id) as SpanRow | undefined;
    const span: StoredSpan | null = spanRow
      ? rowToSpan(spanRow, this.dims.resource(Number(spanRow.resource_id)), this.dims.scope(Number(spanRow.scope_id)))
      : null;
    const projectId = this.dims.projectId(project) ?? -1;
    const logs = (this.stmts.logsOfSpan.all(row.trace_id, row.span_id, projectId, 1000) as LogRow[]).map((r) => this.toLog(project, r));
    return callWithContent(call, span, logs);
  }
}

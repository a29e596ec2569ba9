import {
  assertSupported,
  type CallQuery,
  type CallReader,
  callWithContent,
  DEFAULT_CALL_ORDER,
  DEFAULT_FACET_VALUES,
  encodeCursor,
  FacetCounter,
  type Facets,
  type FacetsQuery,
  facetHours,
  type GetCallQuery,
  type GetSessionQuery,
  type LogQuery,
  type MetricsQuery,
  type MetricsResult,
  type MetricsSeries,
  type MetricsSeriesQuery,
  type Page,
  type SessionDetail,
  type SessionQuery,
  type SessionSummary,
  type StoredCall,
  type StoredLog,
  type StoredSpan,
} from '@sightline/storage';
import { CALL_KEY, callListSql } from './call-list-sql.js';
import { type CallRow, rowToCall } from './call-row.js';
import type { ClickHouseDb } from './clickhouse-db.js';
import { ClickHouseMetrics } from './clickhouse-metrics.js';
import type { ClickHouseRollups } from './clickhouse-rollups.js';
import { ClickHouseSessions } from './clickhouse-sessions.js';
import { CLICKHOUSE_CAPABILITIES } from './clickhouse-trace-reader.js';
import { rowToLog } from './log-row.js';
import { listRange, searchNewestFirst } from './newest-first.js';
import { SqlParams } from './query-params.js';
import { rowToSpan, SPAN_COLUMNS, type SpanRow } from './span-row.js';

/** A row of the facets' counts of calls. */
interface CallFacetRow {
  model: string | null;
  provider: string | null;
  operation: string | null;
  route: string | null;
  n: string;
}

/** Reads LLM calls from `llm_calls`, their content from their spans and logs, and sessions and metrics over them. */
export class ClickHouseCallReader implements CallReader {
  private readonly sums: ClickHouseMetrics;
  private readonly sessions: ClickHouseSessions;

  /** `rollups`: hourly rollups metrics and facets may read (see `ClickHouseMetrics`); null to read every call. */
  constructor(
    private readonly db: ClickHouseDb,
    private readonly assertOpen: () => void,
    private readonly rollups: ClickHouseRollups | null = null,
  ) {
    this.sums = new ClickHouseMetrics(db, rollups);
    this.sessions = new ClickHouseSessions(db, (project, rows) => this.withContent(project, rows));
  }

  async findCalls(q: CallQuery): Promise<Page<StoredCall>> {
    this.assertOpen();
    assertSupported(CLICKHOUSE_CAPABILITIES, q);
    const run = (from: bigint | undefined) => {
      const { sql, params } = callListSql(from === undefined ? q : { ...q, from });
      return this.db.rows<CallRow & { sort_value: string | number }>(sql, params);
    };
    const order = q.orderBy ?? DEFAULT_CALL_ORDER;
    // Newest first: search the newest times first, which the index on the calls' times narrows to
    // a few granules (at 10,000,000 spans, 60 ms against 217 sorting every call's time) — unless
    // the calls are one trace's, which the primary key finds wherever they lie (36 ms against 94).
    const windowed = order.field === 'timestamp' && order.direction === 'desc' && q.traceId === undefined;
    const rows = windowed
      ? await searchNewestFirst(
          this.db,
          { table: 'llm_calls', column: 'timestamp_ns' },
          q.project,
          listRange(q.from, q.to, q.cursor, DEFAULT_CALL_ORDER, (key) => CALL_KEY.test(key)),
          q.limit,
          run,
        )
      : await run(q.from);
    const more = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: await this.withContent(q.project, page),
      nextCursor:
        more && last
          ? encodeCursor(q.orderBy ?? DEFAULT_CALL_ORDER, { value: String(last.sort_value), key: last.trace_id + last.span_id })
          : null,
    };
  }

  async getCall(q: GetCallQuery): Promise<StoredCall | null> {
    this.assertOpen();
    const rows = await this.db.rows<CallRow>(
      `SELECT * FROM llm_calls FINAL WHERE project = {project:String} AND span_id = {span:String}
       ORDER BY timestamp_ns DESC LIMIT 1`,
      { project: q.project, span: q.spanId },
    );
    const [call] = await this.withContent(q.project, rows);
    return call ?? null;
  }

  /** The calls of rows with their content: read again from their spans, and from the content events logged for them. */
  private async withContent(project: string, rows: readonly CallRow[]): Promise<StoredCall[]> {
    if (rows.length === 0) return [];
    const params = { project, traces: [...new Set(rows.map((r) => r.trace_id))], spans: rows.map((r) => r.span_id) };
    const spans = await this.db.rows<SpanRow>(
      `SELECT ${SPAN_COLUMNS} FROM spans
       WHERE project = {project:String} AND trace_id IN {traces:Array(String)} AND span_id IN {spans:Array(String)}
       LIMIT 1 BY trace_id, span_id`,
      params,
    );
    const logs = await this.db.rows<{ project: string; record: string; trace_id: string; span_id: string }>(
      `SELECT project, record, trace_id, span_id FROM logs
       WHERE project = {project:String} AND trace_id IN {traces:Array(String)} AND span_id IN {spans:Array(String)}
       ORDER BY time_ns, seq LIMIT 1 BY trace_id, fingerprint`,
      params,
    );
    const spanOf = new Map<string, StoredSpan>(spans.map((s) => [`${s.trace_id}:${s.span_id}`, rowToSpan(s)]));
    const logsOf = new Map<string, StoredLog[]>();
    for (const l of logs) {
      const key = `${l.trace_id}:${l.span_id}`;
      let list = logsOf.get(key);
      if (!list) logsOf.set(key, (list = []));
      list.push(rowToLog(l));
    }
    return rows.map((r) => {
      const key = `${r.trace_id}:${r.span_id}`;
      return callWithContent(rowToCall(r), spanOf.get(key) ?? null, logsOf.get(key) ?? []);
    });
  }

  findSessions(q: SessionQuery): Promise<Page<SessionSummary>> {
    this.assertOpen();
    return this.sessions.findSessions(q);
  }

  getSession(q: GetSessionQuery): Promise<SessionDetail | null> {
    this.assertOpen();
    return this.sessions.getSession(q);
  }

  metrics(q: MetricsQuery): Promise<MetricsResult> {
    this.assertOpen();
    assertSupported(CLICKHOUSE_CAPABILITIES, q);
    return this.sums.metrics(q);
  }

  metricsSeries(q: MetricsSeriesQuery): Promise<MetricsSeries> {
    this.assertOpen();
    assertSupported(CLICKHOUSE_CAPABILITIES, q);
    return this.sums.metricsSeries(q);
  }

  async facets(q: FacetsQuery): Promise<Facets> {
    this.assertOpen();
    const { from, to } = facetHours(q.from, q.to);
    const range = (column: string, p: SqlParams) =>
      [from === null ? null : `${column} >= ${p.add(from, 'Int64')}`, to === null ? null : `${column} < ${p.add(to, 'Int64')}`]
        .filter((c) => c !== null)
        .map((c) => ` AND ${c}`)
        .join('');
    const p = new SqlParams();
    const project = p.add(q.project, 'String');
    const counter = new FacetCounter();
    const spans = await this.db.rows<{ service: string; name: string; n: string }>(
      `SELECT service, name, count() AS n FROM span_search FINAL WHERE project = ${project}${range('start_ns', p)} GROUP BY service, name`,
      p.values,
    );
    for (const s of spans) counter.spans(s.service, s.name, Number(s.n));
    const c = new SqlParams();
    const where = `project = ${c.add(q.project, 'String')} AND counted = 1${range('timestamp_ns', c)}`;
    const byDimensions = 'SELECT coalesce(model, request_model) AS model, provider, operation, route';
    const callsSql = (skip: string) =>
      `${byDimensions}, count() AS n FROM llm_calls FINAL WHERE ${where}${skip} GROUP BY model, provider, operation, route`;
    // The calls of the hours the rollups answer are counted from them (the range is whole hours).
    const calls = this.rollups
      ? await this.rollups.read<CallFacetRow>({
          project: q.project,
          from: from ?? undefined,
          to: to ?? undefined,
          params: c,
          rolledUp: (rows) => `${byDimensions}, sum(r_calls) AS n FROM ${rows} GROUP BY model, provider, operation, route`,
          calls: callsSql,
        })
      : await this.db.rows<CallFacetRow>(callsSql(''), c.values);
    for (const r of calls) counter.calls(r.model, r.provider, r.operation, r.route, Number(r.n));
    const [people] = await this.db.rows<{ users: string; sessions: string }>(
      `SELECT uniqExact(user_id) AS users, uniqExact(session_id) AS sessions FROM llm_calls FINAL WHERE ${where}`,
      c.values,
    );
    return counter.facets(q.limit ?? DEFAULT_FACET_VALUES, Number(people?.users ?? 0), Number(people?.sessions ?? 0));
  }

  async findLogs(q: LogQuery): Promise<StoredLog[]> {
    this.assertOpen();
    const p = new SqlParams();
    const where = [`project = ${p.add(q.project, 'String')}`, `trace_id = ${p.add(q.traceId, 'String')}`];
    if (q.spanId !== undefined) where.push(`span_id = ${p.add(q.spanId, 'String')}`);
    const rows = await this.db.rows<{ project: string; record: string }>(
      `SELECT project, record FROM logs WHERE ${where.join(' AND ')}
       ORDER BY time_ns, seq LIMIT 1 BY fingerprint LIMIT ${p.add(q.limit ?? 1000, 'UInt32')}`,
      p.values,
    );
    return rows.map(rowToLog);
  }
}

import {
  assertSupported,
  buildOutline,
  buildSpanTree,
  DEFAULT_ORDER,
  encodeCursor,
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
import type { CallRow } from './call-row.js';
import type { ClickHouseDb } from './clickhouse-db.js';
import { listRange, searchNewestFirst } from './newest-first.js';
import { numberOrNull } from './query-params.js';
import { hasSpanConditionsOf } from './span-condition-sql.js';
import { rowToSpan, SPAN_COLUMNS, type SpanRow } from './span-row.js';
import { TRACE_ID, traceListSql } from './trace-list-sql.js';
import { SKELETON_COLUMNS, type SkeletonRow, type TraceRow, traceState } from './trace-state.js';

export const CLICKHOUSE_CAPABILITIES: ReaderCapabilities = {
  attributeFilters: true,
  resourceAttributeFilters: true,
  offsetPaging: true,
  textSearch: true,
};

export function rowToSummary(r: TraceRow): TraceSummary {
  return {
    project: r.project,
    traceId: r.trace_id,
    rootSpanId: r.root_span_id,
    rootSpanName: r.root_name,
    rootIsComplete: Boolean(Number(r.root_complete)),
    serviceName: r.service,
    startTimeUnixNano: BigInt(r.start_ns),
    endTimeUnixNano: BigInt(r.end_ns),
    spanCount: Number(r.span_count),
    errorCount: Number(r.error_count),
    llmCallCount: Number(r.call_count),
    inputTokens: numberOrNull(r.input_tokens),
    outputTokens: numberOrNull(r.output_tokens),
    totalTokens: numberOrNull(r.total_tokens),
    costUsd: numberOrNull(r.cost_usd),
    sessionId: r.session_id,
    userId: r.user_id,
  };
}

/** A trace's spans: in start order, one row per span whether or not parts have merged. */
const TRACE_SPANS = `FROM spans WHERE project = {project:String} AND trace_id = {trace:String}
  ORDER BY start_ns, span_id LIMIT 1 BY span_id`;

/** Reads traces from `traces` (summaries) and `spans`. */
export class ClickHouseTraceReader implements TraceReader {
  readonly capabilities = CLICKHOUSE_CAPABILITIES;

  constructor(
    private readonly db: ClickHouseDb,
    private readonly assertOpen: () => void,
  ) {}

  async findTraces(q: TraceQuery): Promise<Page<TraceSummary>> {
    this.assertOpen();
    assertSupported(this.capabilities, q);
    const order = q.orderBy ?? DEFAULT_ORDER;
    const run = (startFrom: bigint | undefined) => {
      const { sql, params } = traceListSql(startFrom === undefined ? q : { ...q, startFrom });
      return this.db.rows<TraceRow & { sort_value: string | number }>(sql, params);
    };
    // Newest first with conditions on spans or calls: search the newest times first.
    const windowed =
      order.field === 'start_time' &&
      order.direction === 'desc' &&
      !q.offset &&
      (hasSpanConditionsOf(q) || q.model !== undefined || q.provider !== undefined);
    const rows = windowed
      ? await searchNewestFirst(
          this.db,
          { table: 'traces', column: 'start_ns' },
          q.project,
          listRange(q.startFrom, q.startTo, q.cursor, DEFAULT_ORDER, (key) => TRACE_ID.test(key)),
          q.limit,
          run,
        )
      : await run(q.startFrom);
    const more = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(rowToSummary),
      nextCursor: more && last ? encodeCursor(q.orderBy ?? DEFAULT_ORDER, { value: String(last.sort_value), key: last.trace_id }) : null,
    };
  }

  /** The trace's summary; null when the project holds none of its spans. */
  async summary(project: string, traceId: string): Promise<TraceSummary | null> {
    const [row] = await this.db.rows<TraceRow>(
      'SELECT * FROM traces FINAL WHERE project = {project:String} AND trace_id = {trace:String}',
      { project, trace: traceId },
    );
    if (row) return rowToSummary(row);
    // Spans stored by a writer that stopped before summarizing them: summarize them here.
    const spans = await this.db.rows<SkeletonRow>(`SELECT ${SKELETON_COLUMNS} ${TRACE_SPANS}`, { project, trace: traceId });
    if (spans.length === 0) return null;
    const calls = await this.callRows(project, traceId);
    return rowToSummary(traceState(project, spans, calls).trace);
  }

  async spans(project: string, traceId: string): Promise<StoredSpan[]> {
    const rows = await this.db.rows<SpanRow>(`SELECT ${SPAN_COLUMNS} ${TRACE_SPANS}`, { project, trace: traceId });
    return rows.map(rowToSpan);
  }

  async callRows(project: string, traceId: string): Promise<CallRow[]> {
    return this.db.rows<CallRow>(
      'SELECT * FROM llm_calls FINAL WHERE project = {project:String} AND trace_id = {trace:String} ORDER BY timestamp_ns, span_id',
      { project, trace: traceId },
    );
  }

  async getTrace(q: GetTraceQuery): Promise<TraceDetail | null> {
    this.assertOpen();
    // Both at once: a trace read costs one round trip, not two (the spans are dropped when there is no trace).
    const [summary, spans] = await Promise.all([this.summary(q.project, q.traceId), this.spans(q.project, q.traceId)]);
    return summary ? { summary, spans } : null;
  }

  async getSpan(q: GetSpanQuery): Promise<StoredSpan | null> {
    this.assertOpen();
    const [row] = await this.db.rows<SpanRow>(
      `SELECT ${SPAN_COLUMNS} FROM spans
       WHERE project = {project:String} AND trace_id = {trace:String} AND span_id = {span:String} LIMIT 1`,
      { project: q.project, trace: q.traceId, span: q.spanId },
    );
    return row ? rowToSpan(row) : null;
  }

  /** The trace holding the project's span; span ids are unique in practice, and if two traces share one the latest wins. */
  async traceOf(project: string, spanId: string): Promise<string | null> {
    const [row] = await this.db.rows<{ trace_id: string }>(
      'SELECT trace_id FROM spans WHERE project = {project:String} AND span_id = {span:String} ORDER BY start_ns DESC LIMIT 1',
      { project, span: spanId },
    );
    return row?.trace_id ?? null;
  }

  async getSpanTree(q: SpanTreeQuery): Promise<SpanTreeNode | null> {
    this.assertOpen();
    const traceId = await this.traceOf(q.project, q.spanId);
    if (traceId === null) return null;
    return buildSpanTree(await this.spans(q.project, traceId), q.spanId, q.maxDepth, q.attributeKeys);
  }

  private async places(project: string, traceId: string) {
    const rows = await this.db.rows<{ span_key: string; span_id: string; parent_span_id: string }>(
      `SELECT span_key, span_id, parent_span_id ${TRACE_SPANS}`,
      { project, trace: traceId },
    );
    return rows.map((r) => ({
      key: Number(r.span_key),
      spanId: r.span_id,
      parentSpanId: r.parent_span_id === '' ? null : r.parent_span_id,
    }));
  }

  async getTraceLayout(q: GetTraceQuery): Promise<TraceLayout | null> {
    this.assertOpen();
    const [summary, places] = await Promise.all([this.summary(q.project, q.traceId), this.places(q.project, q.traceId)]);
    return summary ? { summary, keys: places.map((p) => p.key) } : null;
  }

  async getTreeLayout(q: SpanTreeQuery): Promise<TreeLayout | null> {
    this.assertOpen();
    const traceId = await this.traceOf(q.project, q.spanId);
    if (traceId === null) return null;
    const layout = treeLayout(await this.places(q.project, traceId), q.spanId, q.maxDepth);
    return layout && { ...layout, traceId };
  }

  /** See `TraceReader.findSpansInTrace`: the trace's rows of `span_search` holding every word. */
  async findSpansInTrace(q: TraceTextQuery): Promise<string[] | null> {
    this.assertOpen();
    const { words, prefix } = typedWords(q.text);
    const summary = await this.summary(q.project, q.traceId);
    if (!summary) return null;
    if (words.length === 0 && prefix === null) return [];
    // The trace's time bounds narrow the read to its parts of the table (ordered by project and hour).
    const rows = await this.db.rows<{ span_id: string }>(
      `SELECT DISTINCT span_id FROM span_search
       WHERE project = {project:String} AND start_ns BETWEEN {from:Int64} AND {to:Int64}
         AND trace_id = {trace:String} AND hasAll(words, {words:Array(String)})
         AND (length({prefix:String}) = 0 OR arrayExists(w -> startsWith(w, {prefix:String}), words))
       LIMIT {limit:UInt32}`,
      {
        project: q.project,
        from: String(summary.startTimeUnixNano),
        to: String(summary.endTimeUnixNano),
        trace: q.traceId,
        words,
        prefix: prefix ?? '',
        limit: MAX_TRACE_MATCHES,
      },
    );
    return rows.map((r) => r.span_id);
  }

  async getTraceOutline(q: GetTraceQuery): Promise<TraceOutline | null> {
    this.assertOpen();
    const [summary, rows, callRows] = await Promise.all([
      this.summary(q.project, q.traceId),
      this.db.rows<SkeletonRow & { kind: number }>(`SELECT ${SKELETON_COLUMNS}, kind ${TRACE_SPANS}`, {
        project: q.project,
        trace: q.traceId,
      }),
      this.callRows(q.project, q.traceId),
    ]);
    if (!summary) return null;
    const spans = rows.map((s) => ({
      spanId: s.span_id,
      parentSpanId: s.parent_span_id === '' ? null : s.parent_span_id,
      name: s.name,
      service: s.service,
      kind: Number(s.kind),
      status: Number(s.status_code),
      start: BigInt(s.start_ns),
      end: BigInt(s.end_ns),
    }));
    const calls = callRows.map((c) => ({
      spanId: c.span_id,
      model: c.model ?? c.request_model,
      provider: c.provider,
      inputTokens: numberOrNull(c.input_tokens),
      outputTokens: numberOrNull(c.output_tokens),
      cacheReadTokens: numberOrNull(c.cache_read_tokens),
      costUsd: c.cost_usd,
      ttftMs: c.ttft_ms,
      counted: Boolean(Number(c.counted)),
      isError: Boolean(Number(c.is_error)),
    }));
    return { summary, ...buildOutline(spans, calls) };
  }

  async readSpans(project: string, keys: readonly number[], traceId?: string): Promise<(StoredSpan | null)[]> {
    this.assertOpen();
    if (keys.length === 0) return [];
    // By the trace, its range of the primary key; else the keys' bloom filter, granule by granule (twice the time at 10M spans).
    const ofTrace = traceId === undefined ? '' : ' AND trace_id = {trace:String}';
    const rows = await this.db.rows<SpanRow & { span_key: string }>(
      `SELECT span_key, ${SPAN_COLUMNS} FROM spans WHERE project = {project:String}${ofTrace} AND span_key IN {keys:Array(UInt64)} LIMIT 1 BY span_key`,
      { project, keys: [...keys], trace: traceId },
    );
    const byKey = new Map(rows.map((r) => [Number(r.span_key), r]));
    return keys.map((k) => {
      const row = byKey.get(k);
      return row ? rowToSpan(row) : null;
    });
  }
}

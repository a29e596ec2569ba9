import type { ClickHouseClient } from '@clickhouse/client';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  isInt64Text,
  NO_CALLS,
  type Page,
  type StoredSpan,
  summarizeTrace,
  type TraceDetail,
  type TraceSummary,
  type WriteGroup,
} from '@sightline/storage';
import { definedOnly } from './query-params.js';
import { rowToSpan, type SpanRow, spanToRow } from './span-row.js';

/** What `findTraces` can ask for so far. */
export interface TraceListQuery {
  readonly project: string;
  readonly from?: bigint;
  readonly to?: bigint;
  readonly service?: string;
  readonly errorsOnly?: boolean;
  readonly limit: number;
  readonly cursor?: string;
}

/** A row of the trace list query. */
interface TraceRow {
  trace_id: string;
  first_ns: string;
  last_ns: string;
  span_count: string;
  error_count: string;
  /** [span_id, name, service, has no parent] of the root. */
  root: [string, string, string, boolean | number];
}

function traceSummaryOf(project: string, r: TraceRow): TraceSummary {
  const [rootSpanId, rootSpanName, serviceName, complete] = r.root;
  return {
    project,
    traceId: r.trace_id,
    rootSpanId,
    rootSpanName,
    rootIsComplete: Boolean(complete),
    serviceName,
    startTimeUnixNano: BigInt(r.first_ns),
    endTimeUnixNano: BigInt(r.last_ns),
    spanCount: Number(r.span_count),
    errorCount: Number(r.error_count),
    llmCallCount: NO_CALLS.llmCallCount,
    inputTokens: NO_CALLS.inputTokens,
    outputTokens: NO_CALLS.outputTokens,
    totalTokens: NO_CALLS.totalTokens,
    costUsd: NO_CALLS.costUsd,
    sessionId: NO_CALLS.sessionId,
    userId: NO_CALLS.userId,
  };
}

/** Span ids looked up at once when telling new spans from ones stored before. */
const LOOKUP_CHUNK = 5_000;

/**
 * Spans in ClickHouse: written idempotently, read back one row per span whether or not parts
 * have merged yet. The first piece of the ClickHouse backend; traces' summaries, LLM calls and
 * the rest are built on it.
 */
export class ClickHouseSpans {
  constructor(private readonly client: ClickHouseClient) {}

  /**
   * Stores the groups' spans; returns how many were new and how many were stored before (same
   * project, trace id and span id), which are left as first written. Two writers storing the
   * same span at once may both count it new: the store keeps it once all the same.
   */
  async write(groups: readonly WriteGroup[]): Promise<{ stored: number; duplicates: number }> {
    const rows: SpanRow[] = [];
    let duplicates = 0;
    for (const group of groups) {
      if (group.spans.length === 0) continue;
      const known = await this.storedIds(group.project, group.spans);
      const seen = new Set<string>();
      for (const span of group.spans) {
        const key = `${span.traceId}:${span.spanId}`;
        if (known.has(key) || seen.has(key)) {
          duplicates++;
          continue;
        }
        seen.add(key);
        rows.push(spanToRow(group.project, span, group.expiresAtUnixNano ?? null));
      }
    }
    if (rows.length) await this.client.insert({ table: 'spans', values: rows, format: 'JSONEachRow' });
    return { stored: rows.length, duplicates };
  }

  /** `trace:span` of the spans given that the project holds already. */
  private async storedIds(project: string, spans: readonly { traceId: string; spanId: string }[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < spans.length; i += LOOKUP_CHUNK) {
      const chunk = spans.slice(i, i + LOOKUP_CHUNK);
      const rs = await this.client.query({
        query: `SELECT DISTINCT trace_id, span_id FROM spans
                WHERE project = {project:String} AND trace_id IN {traces:Array(String)} AND span_id IN {spans:Array(String)}`,
        query_params: { project, traces: [...new Set(chunk.map((s) => s.traceId))], spans: chunk.map((s) => s.spanId) },
        format: 'JSONEachRow',
      });
      for (const r of (await rs.json()) as { trace_id: string; span_id: string }[]) found.add(`${r.trace_id}:${r.span_id}`);
    }
    return found;
  }

  /** The project's spans of a trace in start-time order (one per span id); empty when it holds none. */
  async trace(project: string, traceId: string): Promise<StoredSpan[]> {
    const rs = await this.client.query({
      query: `SELECT * FROM spans WHERE project = {project:String} AND trace_id = {trace:String}
              ORDER BY start_ns, span_id LIMIT 1 BY span_id`,
      query_params: { project, trace: traceId },
      format: 'JSONEachRow',
    });
    return ((await rs.json()) as SpanRow[]).map(rowToSpan);
  }

  /** A trace with its summary (root, times, span and error counts; no LLM calls yet), or null. */
  async traceDetail(project: string, traceId: string): Promise<TraceDetail | null> {
    const spans = await this.trace(project, traceId);
    return spans.length ? { summary: summarizeTrace(project, spans), spans } : null;
  }

  /**
   * The project's traces newest first, `limit` to a page: those that start in `[from, to)` and
   * have a span of `service` (when given) that failed (when `errorsOnly`). Summaries count each
   * span once, whether or not parts have merged; LLM call totals are not kept here yet.
   */
  async findTraces(q: TraceListQuery): Promise<Page<TraceSummary>> {
    const order = { field: 'start_time', direction: 'desc' } as const;
    const after = q.cursor === undefined ? null : decodeCursor(q.cursor, order, (key) => /^[0-9a-f]{32}$/.test(key));
    if (after && !isInt64Text(after.value)) throw new InvalidCursorError();
    const spanConditions = ['project = {project:String}'];
    if (q.service !== undefined) spanConditions.push('service = {service:String}');
    if (q.errorsOnly) spanConditions.push('status_code = 2');
    const having = ['1'];
    if (q.from !== undefined) having.push('first_ns >= {from:Int64}');
    if (q.to !== undefined) having.push('first_ns < {to:Int64}');
    if (after) having.push('(first_ns, trace_id) < ({afterStart:Int64}, {afterTrace:String})');
    const rs = await this.client.query({
      query: `SELECT trace_id,
                min(start_ns) AS first_ns,
                max(end_ns) AS last_ns,
                uniqExact(span_id) AS span_count,
                uniqExactIf(span_id, status_code = 2) AS error_count,
                argMin((span_id, name, service, parent_span_id = ''), (parent_span_id != '', start_ns)) AS root
              FROM spans
              WHERE project = {project:String}
                AND trace_id IN (SELECT trace_id FROM spans WHERE ${spanConditions.join(' AND ')})
              GROUP BY trace_id
              HAVING ${having.join(' AND ')}
              ORDER BY first_ns DESC, trace_id DESC
              LIMIT {limit:UInt32}`,
      query_params: definedOnly({
        project: q.project,
        service: q.service,
        from: q.from === undefined ? undefined : String(q.from),
        to: q.to === undefined ? undefined : String(q.to),
        afterStart: after?.value,
        afterTrace: after?.key,
        limit: q.limit + 1,
      }),
      format: 'JSONEachRow',
    });
    const rows = (await rs.json()) as TraceRow[];
    const more = rows.length > q.limit;
    const items = rows.slice(0, q.limit).map((r) => traceSummaryOf(q.project, r));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: more && last ? encodeCursor(order, { value: String(last.startTimeUnixNano), key: last.traceId }) : null,
    };
  }

  /** One span of a trace, or null. */
  async span(project: string, traceId: string, spanId: string): Promise<StoredSpan | null> {
    const rs = await this.client.query({
      query: `SELECT * FROM spans WHERE project = {project:String} AND trace_id = {trace:String} AND span_id = {span:String} LIMIT 1`,
      query_params: { project, trace: traceId, span: spanId },
      format: 'JSONEachRow',
    });
    const [row] = (await rs.json()) as SpanRow[];
    return row ? rowToSpan(row) : null;
  }
}

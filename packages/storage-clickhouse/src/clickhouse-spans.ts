import type { ClickHouseClient } from '@clickhouse/client';
import { type StoredSpan, summarizeTrace, type TraceDetail, type WriteGroup } from '@sightline/storage';
import { rowToSpan, type SpanRow, spanToRow } from './span-row.js';

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

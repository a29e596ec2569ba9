import { type LlmCall, type MetricPoint, type Span, sessionDetailsOf } from '@sightline/core';
import { resolveCounted, type TelemetryWriter, type WriteGroup, type WriteResult } from '@sightline/storage';
import { type CallRow, callToRow } from './call-row.js';
import type { ClickHouseDb } from './clickhouse-db.js';
import { insertCalls } from './clickhouse-rollups.js';
import { clockSequence } from './clock-sequence.js';
import { type LogRow, logToRow } from './log-row.js';
import { type SpanRow, spanSearchRow, spanToRow } from './span-row.js';
import { SKELETON_COLUMNS, type SkeletonRow, traceState } from './trace-state.js';

/** Ids looked up in one query. */
const LOOKUP_CHUNK = 2_000;

/** Where OTLP metric points go (see `ClickHouseOtelMetrics`). */
export interface MetricPointSink {
  write(project: string, points: readonly MetricPoint[]): Promise<number>;
}

/**
 * Writes batches to ClickHouse. A span already stored (same project, trace and span id) is
 * counted a duplicate and left as first written; so is a log record stored before. Then every
 * trace the batch touched is summarized again from all its spans and calls as stored (after the
 * insert, so a trace two collectors write at once ends up summarized from both): its `traces`
 * row, and its calls' counted/duplicate decisions.
 */
export class ClickHouseWriter implements TelemetryWriter {
  constructor(
    private readonly db: ClickHouseDb,
    private readonly metrics: MetricPointSink | null,
    private readonly assertOpen: () => void,
  ) {}

  async write(batch: readonly WriteGroup[]): Promise<WriteResult> {
    this.assertOpen();
    const spanRows: SpanRow[] = [];
    const searchRows: Record<string, unknown>[] = [];
    const callRows: CallRow[] = [];
    const logRows: LogRow[] = [];
    const touched = new Map<string, Set<string>>();
    let duplicates = 0;
    let metricPointsStored = 0;
    // Across the batch: a retried group queued beside its first attempt is a duplicate too.
    const seen = new Set<string>();
    const seenLogs = new Set<string>();
    for (const group of batch) {
      const known = await this.storedSpans(group.project, group.spans);
      const calls = new Map((group.calls ?? []).map((c) => [c.spanId, c]));
      const fresh = new Map<string, Span[]>();
      let traces = touched.get(group.project);
      if (!traces) touched.set(group.project, (traces = new Set()));
      for (const span of group.spans) {
        // A span stored before still has its trace summarized again: the write that stored it may have stopped short of that.
        traces.add(span.traceId);
        const key = `${group.project}\u0000${span.traceId}:${span.spanId}`;
        if (known.has(`${span.traceId}:${span.spanId}`) || seen.has(key)) {
          duplicates++;
          continue;
        }
        seen.add(key);
        spanRows.push(spanToRow(group.project, span, group.expiresAtUnixNano ?? null));
        searchRows.push(spanSearchRow(group.project, span));
        const trace = fresh.get(span.traceId);
        if (trace) trace.push(span);
        else fresh.set(span.traceId, [span]);
      }
      for (const spans of fresh.values()) callRows.push(...firstRows(group.project, spans, calls));
      logRows.push(...(await this.newLogs(group, seenLogs)));
      if (group.metrics?.length && this.metrics) metricPointsStored += await this.metrics.write(group.project, group.metrics);
    }
    // Spans last: what tells a retry that a span is stored goes in after everything written beside it.
    await this.db.insert('span_search', searchRows);
    await insertCalls(this.db, callRows);
    await this.db.insert('logs', logRows);
    await this.db.insert('spans', spanRows);
    for (const [project, traces] of touched) await this.summarize(project, [...traces]);
    return { stored: spanRows.length, duplicates, logsStored: logRows.length, metricPointsStored };
  }

  /** `trace:span` of the spans given that the project holds already. */
  private async storedSpans(project: string, spans: readonly Span[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < spans.length; i += LOOKUP_CHUNK) {
      const chunk = spans.slice(i, i + LOOKUP_CHUNK);
      const rows = await this.db.rows<{ trace_id: string; span_id: string }>(
        `SELECT DISTINCT trace_id, span_id FROM spans
         WHERE project = {project:String} AND trace_id IN {traces:Array(String)} AND span_id IN {spans:Array(String)}`,
        { project, traces: [...new Set(chunk.map((s) => s.traceId))], spans: chunk.map((s) => s.spanId) },
      );
      for (const r of rows) found.add(`${r.trace_id}:${r.span_id}`);
    }
    return found;
  }

  /** The group's log records not stored before (nor `seen` earlier in the batch, by project and fingerprint). */
  private async newLogs(group: WriteGroup, seen: Set<string>): Promise<LogRow[]> {
    const logs = group.logs ?? [];
    const first = clockSequence(logs.length);
    const rows = logs.map((log, i) => logToRow(group.project, log, first + i));
    if (rows.length === 0) return [];
    const stored = new Set<string>();
    for (let i = 0; i < rows.length; i += LOOKUP_CHUNK) {
      const chunk = rows.slice(i, i + LOOKUP_CHUNK);
      const found = await this.db.rows<{ fingerprint: string }>(
        `SELECT fingerprint FROM logs
         WHERE project = {project:String} AND trace_id IN {traces:Array(String)} AND fingerprint IN {prints:Array(String)}`,
        { project: group.project, traces: [...new Set(chunk.map((r) => r.trace_id))], prints: chunk.map((r) => r.fingerprint) },
      );
      for (const r of found) stored.add(r.fingerprint);
    }
    return rows.filter((r) => {
      const key = `${group.project}\u0000${r.fingerprint}`;
      if (stored.has(r.fingerprint) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** Summarizes the project's traces named again, from everything stored of them. */
  async summarize(project: string, traceIds: readonly string[]): Promise<void> {
    for (let i = 0; i < traceIds.length; i += LOOKUP_CHUNK) {
      const ids = traceIds.slice(i, i + LOOKUP_CHUNK);
      const params = { project, ids };
      const spans = await this.db.rows<SkeletonRow>(
        `SELECT ${SKELETON_COLUMNS} FROM spans WHERE project = {project:String} AND trace_id IN {ids:Array(String)}
         ORDER BY trace_id, start_ns, span_id LIMIT 1 BY trace_id, span_id`,
        params,
      );
      const calls = await this.db.rows<CallRow>(
        'SELECT * FROM llm_calls FINAL WHERE project = {project:String} AND trace_id IN {ids:Array(String)} ORDER BY timestamp_ns, span_id',
        params,
      );
      const spansOf = groupBy(spans, (s) => s.trace_id);
      const callsOf = groupBy(calls, (c) => c.trace_id);
      const traceRows = [];
      const callRows: CallRow[] = [];
      for (const [traceId, traceSpans] of spansOf) {
        const state = traceState(project, traceSpans, callsOf.get(traceId) ?? []);
        traceRows.push(state.trace);
        callRows.push(...state.calls);
      }
      await insertCalls(this.db, callRows);
      await this.db.insert('traces', traceRows);
    }
  }
}

/**
 * The first rows of the calls of one trace's new spans, decided over those spans (exact when a
 * trace arrives whole; `summarize` then rewrites only what the rest of the trace changes), at
 * their count as the version.
 */
function firstRows(project: string, spans: readonly Span[], calls: ReadonlyMap<string, LlmCall>): CallRow[] {
  const parents = new Map<string, string | null>();
  const found: { call: LlmCall; span: Span }[] = [];
  for (const span of spans) {
    parents.set(span.spanId, span.parentSpanId);
    const call = calls.get(span.spanId);
    if (call) found.push({ call, span });
  }
  if (found.length === 0) return [];
  const decided = resolveCounted(
    found.map((f) => f.call),
    parents,
  );
  return found.map(({ call, span }, i) =>
    callToRow(project, call, decided[i] as LlmCall, call, sessionDetailsOf(span.attributes), spans.length),
  );
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(item);
  }
  return out;
}

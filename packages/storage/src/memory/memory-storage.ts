import {
  type CallCost,
  type LlmCall,
  type LogRecord,
  mergeSessionDetails,
  type PricedFields,
  type SessionDetails,
  type Span,
  serviceNameOf,
  sessionDetailsOf,
} from '@sightline/core';
import { MemoryAccess } from '../access/memory-access.js';
import { callWithContent } from '../call-content.js';
import { callMatches, callQueryMatches } from '../call-match.js';
import { callSortValue, parseCallSortValue } from '../call-order.js';
import {
  type CallQuery,
  DEFAULT_CALL_ORDER,
  DEFAULT_SESSION_CALLS,
  type GetCallQuery,
  type GetSessionQuery,
  type LogQuery,
  type MetricsQuery,
  type SessionQuery,
} from '../call-query.js';
import type { CallReader } from '../call-reader.js';
import type { MetricsResult, RepriceResult, SessionDetail, SessionSummary, StoredCall, StoredLog } from '../call-results.js';
import { StorageClosedError } from '../errors.js';
import type { Facets, FacetsQuery } from '../facets.js';
import { pageByKeyset, parseBigIntValue } from '../keyset-page.js';
import { MetricsAccumulator } from '../metrics/metrics-accumulator.js';
import { SeriesAccumulator } from '../metrics/series-accumulator.js';
import type { MetricsSeries, MetricsSeriesQuery } from '../metrics-series.js';
import { MemoryOtelMetrics } from '../otel-metrics/memory-otel-metrics.js';
import type { GetSpanQuery, GetTraceQuery, SpanTreeQuery, TraceQuery, TraceTextQuery } from '../query.js';
import { DEFAULT_ORDER } from '../query.js';
import type { Page, SpanTreeNode, StoredSpan, TraceDetail, TraceLayout, TraceSummary, TreeLayout, WriteResult } from '../results.js';
import { typedWords } from '../search-words.js';
import { pageSessions } from '../session-page.js';
import { hasSpanConditions, spanMatches, spanWords } from '../span-match.js';
import { buildSpanTree, treeLayout } from '../span-tree.js';
import type { Purger, Repricer, RetentionCutoff, RetentionStep, Storage } from '../storage.js';
import type { TelemetryWriter, WriteGroup } from '../telemetry-writer.js';
import { callTotals, resolveCounted, roundUsd } from '../trace-calls.js';
import { pageSummaries } from '../trace-order.js';
import { buildOutline, type TraceOutline } from '../trace-outline.js';
import { MAX_TRACE_MATCHES, type ReaderCapabilities, type TraceReader } from '../trace-reader.js';
import { summarizeTrace } from '../trace-summary.js';
import { MemoryDatasets } from './memory-datasets.js';
import { facetsOf } from './memory-facets.js';

export interface MemoryStorageOptions {
  /** How many spans to keep, and how many log records; the oldest are dropped beyond it. Default 100,000. */
  readonly capacity?: number;
}

interface Entry {
  readonly span: StoredSpan;
  /** The call read from the span, as priced (its cost replaced when repriced). */
  call: StoredCall | null;
  readonly expiresAt: bigint | null;
  readonly trace: TraceEntry;
  slot: number;
  /** Its key in outlines (see `readSpans`). */
  readonly seq: number;
  /** The words of its search text, once a text search has needed them. */
  words?: ReadonlySet<string>;
}

interface TraceEntry {
  readonly key: number;
  readonly project: string;
  readonly traceId: string;
  readonly entries: Set<Entry>;
  summary: TraceSummary | null;
  calls: StoredCall[] | null;
}

interface LogEntry {
  readonly log: StoredLog;
  readonly fingerprint: string;
}

const SEP = '\u0000';

/**
 * The memory backend: a bounded ring buffer of the most recent spans (and their calls) and
 * of log records, for tests and quick looks. Queries scan what is held. It is also the
 * reference the conformance suite holds other backends to.
 */
export class MemoryStorage implements Storage, TelemetryWriter, TraceReader, CallReader, Purger, Repricer {
  readonly kind = 'memory';
  readonly capabilities: ReaderCapabilities = {
    attributeFilters: true,
    resourceAttributeFilters: true,
    offsetPaging: true,
    textSearch: true,
  };
  readonly capacity: number;
  private readonly ring: (Entry | undefined)[];
  private head = 0;
  private readonly traces = new Map<string, TraceEntry>();
  private readonly spans = new Map<string, Entry>();
  private readonly bySpanId = new Map<string, Set<Entry>>();
  private readonly logs: (LogEntry | undefined)[];
  private logHead = 0;
  private readonly logFingerprints = new Set<string>();
  private nextTraceKey = 1;
  private readonly bySeq = new Map<number, Entry>();
  private nextSeq = 1;
  private closed = false;

  constructor(options: MemoryStorageOptions = {}) {
    this.capacity = options.capacity ?? 100_000;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError('memory capacity must be a positive integer');
    this.ring = new Array(this.capacity);
    this.logs = new Array(this.capacity);
    this.otelMetrics = new MemoryOtelMetrics(this.capacity);
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
    return this;
  }

  readonly datasets = new MemoryDatasets();
  readonly access = new MemoryAccess();
  /** OTLP metrics: at most `capacity` data points, oldest first out. */
  readonly otelMetrics: MemoryOtelMetrics;

  /** How many spans are held now. */
  get size(): number {
    return this.spans.size;
  }

  async write(batch: readonly WriteGroup[]): Promise<WriteResult> {
    this.assertOpen();
    let stored = 0;
    let duplicates = 0;
    let logsStored = 0;
    let metricPointsStored = 0;
    for (const group of batch) {
      const calls = new Map((group.calls ?? []).map((c) => [c.spanId, c]));
      for (const span of group.spans) {
        if (this.insert(group.project, span, calls.get(span.spanId) ?? null, group.expiresAtUnixNano ?? null)) stored++;
        else duplicates++;
      }
      for (const log of group.logs ?? []) if (this.insertLog(group.project, log)) logsStored++;
      if (group.metrics?.length) metricPointsStored += this.otelMetrics.write(group.project, group.metrics);
    }
    return { stored, duplicates, logsStored, metricPointsStored };
  }

  private insert(project: string, span: Span, call: LlmCall | null, expiresAt: bigint | null): boolean {
    const spanKey = project + SEP + span.traceId + SEP + span.spanId;
    if (this.spans.has(spanKey)) return false;
    const evicted = this.ring[this.head];
    if (evicted) this.remove(evicted);
    const traceKey = project + SEP + span.traceId;
    let trace = this.traces.get(traceKey);
    if (!trace) {
      trace = { key: this.nextTraceKey++, project, traceId: span.traceId, entries: new Set(), summary: null, calls: null };
      this.traces.set(traceKey, trace);
    }
    const entry: Entry = {
      span: { ...span, project },
      call: call ? { ...call, project, counted: true, duplicateOf: null } : null,
      expiresAt,
      trace,
      slot: this.head,
      seq: this.nextSeq++,
    };
    this.bySeq.set(entry.seq, entry);
    this.ring[this.head] = entry;
    this.head = (this.head + 1) % this.capacity;
    trace.entries.add(entry);
    this.changed(trace);
    this.spans.set(spanKey, entry);
    const idKey = project + SEP + span.spanId;
    let same = this.bySpanId.get(idKey);
    if (!same) this.bySpanId.set(idKey, (same = new Set()));
    same.add(entry);
    return true;
  }

  private insertLog(project: string, log: LogRecord): boolean {
    const fingerprint = logFingerprint(project, log);
    if (this.logFingerprints.has(fingerprint)) return false;
    const evicted = this.logs[this.logHead];
    if (evicted) this.logFingerprints.delete(evicted.fingerprint);
    this.logs[this.logHead] = { log: { ...log, project }, fingerprint };
    this.logHead = (this.logHead + 1) % this.capacity;
    this.logFingerprints.add(fingerprint);
    return true;
  }

  private remove(entry: Entry): void {
    const { span, trace } = entry;
    if (this.ring[entry.slot] === entry) this.ring[entry.slot] = undefined;
    this.bySeq.delete(entry.seq);
    this.spans.delete(span.project + SEP + span.traceId + SEP + span.spanId);
    const idKey = span.project + SEP + span.spanId;
    const same = this.bySpanId.get(idKey);
    same?.delete(entry);
    if (same?.size === 0) this.bySpanId.delete(idKey);
    trace.entries.delete(entry);
    this.changed(trace);
    if (trace.entries.size === 0) this.traces.delete(trace.project + SEP + trace.traceId);
  }

  private changed(trace: TraceEntry): void {
    trace.summary = null;
    trace.calls = null;
  }

  /** The trace's calls, with duplicates decided over every span held. */
  private callsOf(trace: TraceEntry): StoredCall[] {
    if (!trace.calls) {
      const parents = new Map<string, string | null>();
      const calls: StoredCall[] = [];
      for (const e of trace.entries) {
        parents.set(e.span.spanId, e.span.parentSpanId);
        if (e.call) calls.push(e.call);
      }
      trace.calls = resolveCounted(calls, parents).sort(byTimestamp);
    }
    return trace.calls;
  }

  private summaryOf(trace: TraceEntry): TraceSummary {
    trace.summary ??= summarizeTrace(
      trace.project,
      [...trace.entries].map((e) => e.span),
      callTotals(this.callsOf(trace)),
    );
    return trace.summary;
  }

  async findTraces(q: TraceQuery): Promise<Page<TraceSummary>> {
    this.assertOpen();
    const spanConditions = hasSpanConditions(q);
    const matches: (TraceSummary & { key: number })[] = [];
    for (const trace of this.traces.values()) {
      if (trace.project !== q.project) continue;
      const summary = this.summaryOf(trace);
      const duration = summary.endTimeUnixNano - summary.startTimeUnixNano;
      if (q.startFrom !== undefined && summary.startTimeUnixNano < q.startFrom) continue;
      if (q.startTo !== undefined && summary.startTimeUnixNano >= q.startTo) continue;
      if (q.minDurationNs !== undefined && duration < q.minDurationNs) continue;
      if (q.maxDurationNs !== undefined && duration > q.maxDurationNs) continue;
      if (q.sessionId !== undefined && summary.sessionId !== q.sessionId) continue;
      if (q.userId !== undefined && summary.userId !== q.userId) continue;
      if (q.model !== undefined || q.provider !== undefined) {
        const has = this.callsOf(trace).some(
          (c) =>
            (q.model === undefined || c.model === q.model || c.requestModel === q.model) &&
            (q.provider === undefined || c.provider === q.provider),
        );
        if (!has) continue;
      }
      if (spanConditions && ![...trace.entries].some((e) => spanMatches(e.span, q, () => this.wordsOf(e)))) continue;
      matches.push({ ...summary, key: trace.key });
    }
    const page = pageSummaries(matches, q.orderBy ?? DEFAULT_ORDER, (t) => t.key, q.limit, q.cursor, q.offset);
    return { items: page.items.map(({ key: _key, ...summary }) => summary), nextCursor: page.nextCursor };
  }

  async getTrace(q: GetTraceQuery): Promise<TraceDetail | null> {
    this.assertOpen();
    const trace = this.traces.get(q.project + SEP + q.traceId);
    if (!trace) return null;
    const spans = [...trace.entries].map((e) => e.span).sort(byStart);
    return { summary: this.summaryOf(trace), spans };
  }

  async getSpanTree(q: SpanTreeQuery): Promise<SpanTreeNode | null> {
    this.assertOpen();
    const entry = this.entryOf(q.project, q.spanId);
    if (!entry) return null;
    const spans = [...entry.trace.entries].map((e) => e.span);
    return buildSpanTree(spans, q.spanId, q.maxDepth, q.attributeKeys);
  }

  async getTraceLayout(q: GetTraceQuery): Promise<TraceLayout | null> {
    this.assertOpen();
    const trace = this.traces.get(q.project + SEP + q.traceId);
    if (!trace) return null;
    return { summary: this.summaryOf(trace), keys: this.inStartOrder(trace).map((e) => e.seq) };
  }

  async getTreeLayout(q: SpanTreeQuery): Promise<TreeLayout | null> {
    this.assertOpen();
    const entry = this.entryOf(q.project, q.spanId);
    if (!entry) return null;
    const places = this.inStartOrder(entry.trace).map((e) => ({ key: e.seq, spanId: e.span.spanId, parentSpanId: e.span.parentSpanId }));
    return treeLayout(places, q.spanId, q.maxDepth);
  }

  async getSpan(q: GetSpanQuery): Promise<StoredSpan | null> {
    this.assertOpen();
    return this.spans.get(q.project + SEP + q.traceId + SEP + q.spanId)?.span ?? null;
  }

  async getTraceOutline(q: GetTraceQuery): Promise<TraceOutline | null> {
    this.assertOpen();
    const trace = this.traces.get(q.project + SEP + q.traceId);
    if (!trace) return null;
    const entries = this.inStartOrder(trace);
    const spans = entries.map(({ span }) => ({
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      name: span.name,
      service: serviceNameOf(span.resource),
      kind: span.kind,
      status: span.status.code,
      start: span.startTimeUnixNano,
      end: span.endTimeUnixNano,
    }));
    const calls = this.callsOf(trace).map((c) => ({
      spanId: c.spanId,
      model: c.model ?? c.requestModel,
      provider: c.provider,
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      cacheReadTokens: c.cacheReadTokens,
      costUsd: c.costUsd,
      ttftMs: c.ttftMs,
      counted: c.counted,
      isError: c.isError,
    }));
    return { summary: this.summaryOf(trace), ...buildOutline(spans, calls) };
  }

  async readSpans(project: string, keys: readonly number[]): Promise<(StoredSpan | null)[]> {
    this.assertOpen();
    return keys.map((key) => {
      const entry = this.bySeq.get(key);
      return entry && entry.span.project === project ? entry.span : null;
    });
  }

  async findSpansInTrace(q: TraceTextQuery): Promise<string[] | null> {
    this.assertOpen();
    const trace = this.traces.get(q.project + SEP + q.traceId);
    if (!trace) return null;
    const { words, prefix } = typedWords(q.text);
    if (words.length === 0 && prefix === null) return [];
    const out: string[] = [];
    for (const e of trace.entries) {
      if (out.length >= MAX_TRACE_MATCHES) break;
      const has = this.wordsOf(e);
      if (!words.every((w) => has.has(w))) continue;
      if (prefix !== null && ![...has].some((w) => w.startsWith(prefix))) continue;
      out.push(e.span.spanId);
    }
    return out;
  }

  /** A trace's entries by start time, ties in the order they were stored. */
  private inStartOrder(trace: TraceEntry): Entry[] {
    return [...trace.entries].sort((a, b) => byStart(a.span, b.span) || a.seq - b.seq);
  }

  /** Span ids are unique in practice; if two traces share one, the most recent wins. */
  private entryOf(project: string, spanId: string): Entry | null {
    const same = this.bySpanId.get(project + SEP + spanId);
    if (!same || same.size === 0) return null;
    return [...same].reduce((a, b) => (b.trace.key > a.trace.key ? b : a));
  }

  /** Every call of the project that passes `keep`, with the key that orders ties. */
  private allCalls(project: string, keep: (call: StoredCall, trace: TraceEntry) => boolean): { call: StoredCall; key: number }[] {
    const out: { call: StoredCall; key: number }[] = [];
    for (const trace of this.traces.values()) {
      if (trace.project !== project) continue;
      const calls = this.callsOf(trace);
      for (let i = 0; i < calls.length; i++) {
        const call = calls[i] as StoredCall;
        if (keep(call, trace)) out.push({ call, key: trace.key * 100_000 + i });
      }
    }
    return out;
  }

  /** A held span's search words, computed the first time they are needed. */
  private wordsOf(entry: Entry): ReadonlySet<string> {
    entry.words ??= spanWords(entry.span);
    return entry.words;
  }

  private spanOf(project: string, call: LlmCall): StoredSpan | null {
    return this.spans.get(project + SEP + call.traceId + SEP + call.spanId)?.span ?? null;
  }

  private withContent(call: StoredCall): StoredCall {
    const logs = this.logsOf(call.project, call.traceId, call.spanId);
    return callWithContent(call, this.spanOf(call.project, call), logs);
  }

  async findCalls(q: CallQuery): Promise<Page<StoredCall>> {
    this.assertOpen();
    const order = q.orderBy ?? DEFAULT_CALL_ORDER;
    const matches = this.allCalls(q.project, (c) => {
      const entry = this.spans.get(q.project + SEP + c.traceId + SEP + c.spanId);
      return callQueryMatches(c, entry?.span ?? null, q, () => this.wordsOf(entry as Entry));
    });
    const page = pageByKeyset(
      matches,
      order,
      (m) => callSortValue(m.call, order.field, order.direction),
      (text) => parseCallSortValue(order.field, text),
      (m) => m.key,
      q.limit,
      q.cursor,
    );
    return { items: page.items.map((m) => this.withContent(m.call)), nextCursor: page.nextCursor };
  }

  async getCall(q: GetCallQuery): Promise<StoredCall | null> {
    this.assertOpen();
    const entry = this.entryOf(q.project, q.spanId);
    if (!entry?.call) return null;
    const call = this.callsOf(entry.trace).find((c) => c.spanId === q.spanId);
    return call ? this.withContent(call) : null;
  }

  async metrics(q: MetricsQuery): Promise<MetricsResult> {
    this.assertOpen();
    const acc = new MetricsAccumulator(q.groupBy, q.rankBy);
    for (const { call } of this.allCalls(q.project, (c) => c.counted && callMatches(c, this.spanOf(q.project, c), q))) acc.addCall(call);
    return acc.result(q.limit);
  }

  async metricsSeries(q: MetricsSeriesQuery): Promise<MetricsSeries> {
    this.assertOpen();
    const acc = new SeriesAccumulator(q);
    for (const { call } of this.allCalls(q.project, (c) => c.counted && callMatches(c, this.spanOf(q.project, c), q))) acc.addCall(call);
    return acc.result(q.limit);
  }

  async facets(q: FacetsQuery): Promise<Facets> {
    this.assertOpen();
    const spans: StoredSpan[] = [];
    for (const { span } of this.spans.values()) if (span.project === q.project) spans.push(span);
    const calls = this.allCalls(q.project, (c) => c.counted).map((m) => m.call);
    return facetsOf(spans, calls, q);
  }

  private sessionSummaries(project: string): Map<string, { summary: SessionSummary; traces: TraceEntry[] }> {
    const byId = new Map<string, { traces: TraceEntry[]; users: Set<string>; details: SessionDetails | null }>();
    for (const trace of this.traces.values()) {
      if (trace.project !== project) continue;
      const summary = this.summaryOf(trace);
      if (summary.sessionId === null) continue;
      let s = byId.get(summary.sessionId);
      if (!s) byId.set(summary.sessionId, (s = { traces: [], users: new Set(), details: null }));
      s.traces.push(trace);
      for (const c of this.callsOf(trace)) {
        if (c.counted && c.userId !== null) s.users.add(c.userId);
        const span = c.sessionId === summary.sessionId ? this.spanOf(project, c) : null;
        if (span) s.details = mergeSessionDetails(s.details, sessionDetailsOf(span.attributes));
      }
    }
    const out = new Map<string, { summary: SessionSummary; traces: TraceEntry[] }>();
    for (const [sessionId, s] of byId) {
      const summaries = s.traces.map((t) => this.summaryOf(t));
      const sum = (pick: (t: TraceSummary) => number | null) =>
        summaries.reduce<number | null>((acc, t) => (pick(t) === null ? acc : (acc ?? 0) + (pick(t) as number)), null);
      const errors = s.traces.reduce((n, t) => n + this.callsOf(t).filter((c) => c.counted && c.isError).length, 0);
      const cost = sum((t) => t.costUsd);
      out.set(sessionId, {
        traces: s.traces,
        summary: {
          project,
          sessionId,
          firstSeenUnixNano: extreme(
            summaries.map((t) => t.startTimeUnixNano),
            -1,
          ),
          lastSeenUnixNano: extreme(
            summaries.map((t) => t.endTimeUnixNano),
            1,
          ),
          traceCount: summaries.length,
          callCount: summaries.reduce((n, t) => n + t.llmCallCount, 0),
          errorCount: errors,
          inputTokens: sum((t) => t.inputTokens),
          outputTokens: sum((t) => t.outputTokens),
          totalTokens: sum((t) => t.totalTokens),
          costUsd: cost === null ? null : roundUsd(cost),
          users: [...s.users].sort(),
          name: s.details?.name ?? null,
          labels: s.details?.labels ?? {},
        },
      });
    }
    return out;
  }

  async findSessions(q: SessionQuery): Promise<Page<SessionSummary>> {
    this.assertOpen();
    const held = [...this.sessionSummaries(q.project).values()].map(({ summary, traces }) => ({
      s: summary,
      key: Math.min(...traces.map((t) => t.key)),
    }));
    return pageSessions(held, q);
  }

  async getSession(q: GetSessionQuery): Promise<SessionDetail | null> {
    this.assertOpen();
    const found = this.sessionSummaries(q.project).get(q.sessionId);
    if (!found) return null;
    const direction = q.order ?? 'asc';
    const entries = found.traces.flatMap((trace) => this.callsOf(trace).map((call, i) => ({ call, trace, key: trace.key * 100_000 + i })));
    const page = pageByKeyset(
      entries,
      { field: 'timestamp', direction },
      (e) => e.call.timestamp,
      parseBigIntValue,
      (e) => e.key,
      q.limit ?? DEFAULT_SESSION_CALLS,
      q.cursor,
    );
    const sign = direction === 'asc' ? 1 : -1;
    const traces = [...new Set(page.items.map((e) => e.trace))]
      .sort((a, b) => sign * (cmpBig(this.summaryOf(a).startTimeUnixNano, this.summaryOf(b).startTimeUnixNano) || a.key - b.key))
      .map((t) => this.summaryOf(t));
    return { summary: found.summary, traces, calls: page.items.map((e) => this.withContent(e.call)), nextCursor: page.nextCursor };
  }

  private logsOf(project: string, traceId: string, spanId?: string): StoredLog[] {
    const out: StoredLog[] = [];
    for (const e of this.logs) {
      if (!e || e.log.project !== project || e.log.traceId !== traceId) continue;
      if (spanId !== undefined && e.log.spanId !== spanId) continue;
      out.push(e.log);
    }
    return out.sort((a, b) => cmpBig(a.timeUnixNano, b.timeUnixNano));
  }

  async findLogs(q: LogQuery): Promise<StoredLog[]> {
    this.assertOpen();
    return this.logsOf(q.project, q.traceId, q.spanId).slice(0, q.limit ?? 1000);
  }

  async repriceCalls(price: (call: PricedFields) => CallCost): Promise<RepriceResult> {
    this.assertOpen();
    let calls = 0;
    let changed = 0;
    for (const entry of this.spans.values()) {
      const call = entry.call;
      if (!call) continue;
      calls++;
      const cost = price(call);
      if (cost.costUsd === call.costUsd && cost.costSource === call.costSource && cost.priceModel === call.priceModel) continue;
      entry.call = { ...call, ...cost };
      this.changed(entry.trace);
      changed++;
    }
    return { calls, changed };
  }

  async deleteExpired(nowUnixNano: bigint): Promise<number> {
    this.assertOpen();
    const expired = [...this.traces.values()].filter((trace) =>
      [...trace.entries].every((e) => e.expiresAt !== null && e.expiresAt <= nowUnixNano),
    );
    return this.removeTraces(expired);
  }

  async deleteTraces(project: string, traceIds: readonly string[]): Promise<number> {
    this.assertOpen();
    const found: TraceEntry[] = [];
    const orphans = new Set<string>();
    for (const id of traceIds) {
      const trace = this.traces.get(project + SEP + id);
      if (trace) found.push(trace);
      else orphans.add(id);
    }
    // Records of a trace whose spans never arrived go too.
    if (orphans.size) this.dropLogs((log) => log.project === project && log.traceId !== null && orphans.has(log.traceId));
    return this.removeTraces(found);
  }

  async deleteOlderThan(cutoffs: readonly RetentionCutoff[], maxTraces: number): Promise<RetentionStep> {
    this.assertOpen();
    const before = new Map(cutoffs.map((c) => [c.project, c.beforeUnixNano]));
    const old = [...this.traces.values()]
      .map((trace) => ({ trace, start: this.summaryOf(trace).startTimeUnixNano }))
      .filter(({ trace, start }) => {
        const cutoff = before.get(trace.project);
        return cutoff !== undefined && start < cutoff;
      })
      .sort((a, b) => cmpBig(a.start, b.start))
      .slice(0, maxTraces)
      .map(({ trace }) => trace);
    const spans = this.removeTraces(old);
    const most = maxTraces * 10;
    let metricPoints = 0;
    const logs = this.dropLogs((log) => {
      const cutoff = before.get(log.project);
      return cutoff !== undefined && log.timeUnixNano < cutoff;
    }, most);
    for (const { project, beforeUnixNano } of cutoffs)
      metricPoints += this.otelMetrics.deleteBefore(project, beforeUnixNano, most - metricPoints);
    return { traces: old.length, spans, logs, metricPoints };
  }

  async dataProjects(): Promise<string[]> {
    return [...new Set([...this.traces.values()].map((t) => t.project))].sort();
  }

  /** Removes whole traces and their log records; returns how many spans went. */
  private removeTraces(traces: readonly TraceEntry[]): number {
    if (traces.length === 0) return 0;
    let spans = 0;
    const keys = new Set<string>();
    for (const trace of traces) {
      keys.add(trace.project + SEP + trace.traceId);
      spans += trace.entries.size;
      for (const e of [...trace.entries]) this.remove(e);
    }
    this.dropLogs((log) => log.traceId !== null && keys.has(log.project + SEP + log.traceId));
    return spans;
  }

  /** Drops up to `most` log records that `match` accepts, in one pass, forgetting their fingerprints; returns how many. */
  private dropLogs(match: (log: StoredLog) => boolean, most = Number.POSITIVE_INFINITY): number {
    let dropped = 0;
    for (let i = 0; i < this.logs.length && dropped < most; i++) {
      const held = this.logs[i];
      if (!held || !match(held.log)) continue;
      this.logs[i] = undefined;
      // Else the same record sent again would be taken for one already stored.
      this.logFingerprints.delete(held.fingerprint);
      dropped++;
    }
    return dropped;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageClosedError();
  }
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The smallest (`sign` -1) or largest (`sign` 1) of non-empty times. */
function extreme(times: bigint[], sign: 1 | -1): bigint {
  let best = times[0] as bigint;
  for (const t of times) if (cmpBig(t, best) === sign) best = t;
  return best;
}

function byStart(a: StoredSpan, b: StoredSpan): number {
  return cmpBig(a.startTimeUnixNano, b.startTimeUnixNano);
}

function byTimestamp(a: LlmCall, b: LlmCall): number {
  return cmpBig(a.timestamp, b.timestamp);
}

/** What makes two log records the same record (a client retry). */
function logFingerprint(project: string, log: LogRecord): string {
  return [
    project,
    log.timeUnixNano,
    log.observedTimeUnixNano,
    log.traceId,
    log.spanId,
    log.eventName,
    log.severityNumber,
    log.severityText,
    JSON.stringify(log.body, jsonReplacer),
    JSON.stringify(log.attributes, jsonReplacer),
  ].join(SEP);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `b:${Buffer.from(value).toString('base64')}`;
  return value;
}

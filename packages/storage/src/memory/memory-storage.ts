import type { Span } from '@sightline/core';
import { StorageClosedError } from '../errors.js';
import type { GetTraceQuery, SpanTreeQuery, TraceQuery } from '../query.js';
import { DEFAULT_ORDER } from '../query.js';
import type { Page, SpanTreeNode, StoredSpan, TraceDetail, TraceSummary, WriteResult } from '../results.js';
import { hasSpanConditions, spanMatches } from '../span-match.js';
import { buildSpanTree } from '../span-tree.js';
import type { SpanGroup, SpanWriter } from '../span-writer.js';
import type { Storage } from '../storage.js';
import { pageSummaries } from '../trace-order.js';
import type { ReaderCapabilities, TraceReader } from '../trace-reader.js';
import { summarizeTrace } from '../trace-summary.js';

export interface MemoryStorageOptions {
  /** How many spans to keep; the oldest are dropped beyond it. Default 100,000. */
  readonly capacity?: number;
}

interface Entry {
  readonly span: StoredSpan;
  readonly expiresAt: bigint | null;
  readonly trace: TraceEntry;
  slot: number;
}

interface TraceEntry {
  readonly key: number;
  readonly project: string;
  readonly traceId: string;
  readonly entries: Set<Entry>;
  summary: TraceSummary | null;
}

const SEP = '\u0000';

/**
 * The memory backend: a bounded ring buffer of the most recent spans, for tests and quick
 * looks. Queries scan what is held. It is also the reference the conformance suite holds
 * other backends to.
 */
export class MemoryStorage implements Storage, SpanWriter, TraceReader {
  readonly kind = 'memory';
  readonly capabilities: ReaderCapabilities = { attributeFilters: true, resourceAttributeFilters: true, offsetPaging: true };
  readonly capacity: number;
  private readonly ring: (Entry | undefined)[];
  private head = 0;
  private readonly traces = new Map<string, TraceEntry>();
  private readonly spans = new Map<string, Entry>();
  private readonly bySpanId = new Map<string, Set<Entry>>();
  private nextTraceKey = 1;
  private closed = false;

  constructor(options: MemoryStorageOptions = {}) {
    this.capacity = options.capacity ?? 100_000;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError('memory capacity must be a positive integer');
    this.ring = new Array(this.capacity);
  }

  get writer(): SpanWriter {
    return this;
  }

  get reader(): TraceReader {
    return this;
  }

  /** How many spans are held now. */
  get size(): number {
    return this.spans.size;
  }

  async write(batch: readonly SpanGroup[]): Promise<WriteResult> {
    this.assertOpen();
    let stored = 0;
    let duplicates = 0;
    for (const group of batch) {
      for (const span of group.spans) {
        if (this.insert(group.project, span, group.expiresAtUnixNano ?? null)) stored++;
        else duplicates++;
      }
    }
    return { stored, duplicates };
  }

  private insert(project: string, span: Span, expiresAt: bigint | null): boolean {
    const spanKey = project + SEP + span.traceId + SEP + span.spanId;
    if (this.spans.has(spanKey)) return false;
    const evicted = this.ring[this.head];
    if (evicted) this.remove(evicted);
    const traceKey = project + SEP + span.traceId;
    let trace = this.traces.get(traceKey);
    if (!trace) {
      trace = { key: this.nextTraceKey++, project, traceId: span.traceId, entries: new Set(), summary: null };
      this.traces.set(traceKey, trace);
    }
    const entry: Entry = { span: { ...span, project }, expiresAt, trace, slot: this.head };
    this.ring[this.head] = entry;
    this.head = (this.head + 1) % this.capacity;
    trace.entries.add(entry);
    trace.summary = null;
    this.spans.set(spanKey, entry);
    const idKey = project + SEP + span.spanId;
    let same = this.bySpanId.get(idKey);
    if (!same) this.bySpanId.set(idKey, (same = new Set()));
    same.add(entry);
    return true;
  }

  private remove(entry: Entry): void {
    const { span, trace } = entry;
    if (this.ring[entry.slot] === entry) this.ring[entry.slot] = undefined;
    this.spans.delete(span.project + SEP + span.traceId + SEP + span.spanId);
    const idKey = span.project + SEP + span.spanId;
    const same = this.bySpanId.get(idKey);
    same?.delete(entry);
    if (same?.size === 0) this.bySpanId.delete(idKey);
    trace.entries.delete(entry);
    trace.summary = null;
    if (trace.entries.size === 0) this.traces.delete(trace.project + SEP + trace.traceId);
  }

  private summaryOf(trace: TraceEntry): TraceSummary {
    trace.summary ??= summarizeTrace(
      trace.project,
      [...trace.entries].map((e) => e.span),
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
      if (spanConditions && ![...trace.entries].some((e) => spanMatches(e.span, q))) continue;
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
    const same = this.bySpanId.get(q.project + SEP + q.spanId);
    if (!same || same.size === 0) return null;
    // Span ids are unique in practice; if two traces share one, the most recent wins.
    const entry = [...same].reduce((a, b) => (b.trace.key > a.trace.key ? b : a));
    const spans = [...entry.trace.entries].map((e) => e.span);
    return buildSpanTree(spans, q.spanId, q.maxDepth, q.attributeKeys);
  }

  async deleteExpired(nowUnixNano: bigint): Promise<number> {
    this.assertOpen();
    let removed = 0;
    for (const trace of [...this.traces.values()]) {
      const entries = [...trace.entries];
      if (entries.every((e) => e.expiresAt !== null && e.expiresAt <= nowUnixNano)) {
        for (const e of entries) this.remove(e);
        removed += entries.length;
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageClosedError();
  }
}

function byStart(a: StoredSpan, b: StoredSpan): number {
  return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0;
}

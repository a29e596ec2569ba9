import { type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SESSION_NAME_ATTRIBUTE } from '../context.js';
import { LABEL_ATTRIBUTE_PREFIX } from '../labels.js';

/**
 * The JSON file export, version 1: the spans captured since the last flush, the sessions they
 * belong to, and each trace as a tree. `sightline import` and `POST /api/import` read it back.
 * Times are ISO 8601 for reading and Unix nanoseconds (decimal strings) for exactness.
 */
export interface ExportDocument {
  format: 'sightline-export';
  version: 1;
  exported_at: string;
  resource: { attributes: Record<string, unknown> };
  sessions: ExportSession[];
  spans: ExportSpan[];
  traces: ExportTrace[];
}

export interface ExportSession {
  id: string;
  /** `withSession({ name })`, else null. */
  name: string | null;
  user_id: string | null;
  /** The labels its spans carry (`sightline.label.*`), system labels included. */
  labels: Record<string, string>;
  start: string;
  end: string;
  span_count: number;
  trace_ids: string[];
}

export interface ExportSpan {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  /** W3C trace state and trace flags (1 = sampled). */
  trace_state: string;
  flags: number;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  start_time: string;
  end_time: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  duration_ms: number;
  status: { code: 'unset' | 'ok' | 'error'; message: string };
  attributes: Record<string, unknown>;
  events: { name: string; time_unix_nano: string; attributes: Record<string, unknown> }[];
  links: { trace_id: string; span_id: string; attributes: Record<string, unknown> }[];
  scope: { name: string; version: string };
}

/** A trace's spans nested by parent; a span whose parent is not in the file is a root. */
export interface ExportTrace {
  trace_id: string;
  roots: ExportTreeNode[];
}

export interface ExportTreeNode {
  span_id: string;
  name: string;
  children: ExportTreeNode[];
}

const KINDS: Record<number, ExportSpan['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};
const STATUS: Record<number, ExportSpan['status']['code']> = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
};

const nanos = (t: HrTime): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
const iso = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();

/**
 * Builds the document from spans just finished and (when a file is written again) the spans it
 * already held; pure. A span in both is kept once. Traces are ordered by their first span.
 */
export function exportDocument(finished: readonly ReadableSpan[], exportedAt: Date, earlier?: ExportDocument): ExportDocument {
  const seen = new Set<string>();
  const spans: ExportSpan[] = [];
  for (const s of [...(earlier?.spans ?? []), ...finished.map(toExportSpan)]) {
    const key = `${s.trace_id}/${s.span_id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    spans.push(s);
  }
  const starts = new Map(spans.map((s) => [s, BigInt(s.start_time_unix_nano)]));
  spans.sort((a, b) => {
    const x = starts.get(a) as bigint;
    const y = starts.get(b) as bigint;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const traces = treesOf(spans);
  return {
    format: 'sightline-export',
    version: 1,
    exported_at: exportedAt.toISOString(),
    resource: { attributes: { ...(finished[0]?.resource.attributes ?? earlier?.resource.attributes ?? {}) } },
    sessions: sessionsOf(spans),
    spans: inTreeOrder(spans, traces),
    traces,
  };
}

/**
 * Spans trace by trace, each parent before its children (siblings by start time): span clocks
 * can put a child's start a fraction of a millisecond before its parent's.
 */
function inTreeOrder(spans: readonly ExportSpan[], traces: readonly ExportTrace[]): ExportSpan[] {
  const byKey = new Map(spans.map((s) => [`${s.trace_id}/${s.span_id}`, s]));
  const out: ExportSpan[] = [];
  for (const trace of traces) {
    const stack = [...trace.roots].reverse();
    for (let node = stack.pop(); node; node = stack.pop()) {
      out.push(byKey.get(`${trace.trace_id}/${node.span_id}`) as ExportSpan);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as ExportTreeNode);
    }
  }
  return out;
}

function toExportSpan(s: ReadableSpan): ExportSpan {
  const ctx = s.spanContext();
  const start = nanos(s.startTime);
  const end = nanos(s.endTime);
  return {
    trace_id: ctx.traceId,
    span_id: ctx.spanId,
    parent_span_id: s.parentSpanContext?.spanId ?? null,
    trace_state: ctx.traceState?.serialize() ?? '',
    flags: ctx.traceFlags,
    name: s.name,
    kind: KINDS[s.kind] ?? 'internal',
    start_time: iso(start),
    end_time: iso(end),
    start_time_unix_nano: String(start),
    end_time_unix_nano: String(end),
    duration_ms: Number(end - start) / 1e6,
    status: { code: STATUS[s.status.code] ?? 'unset', message: s.status.message ?? '' },
    attributes: { ...s.attributes },
    events: s.events.map((e) => ({ name: e.name, time_unix_nano: String(nanos(e.time)), attributes: { ...(e.attributes ?? {}) } })),
    links: s.links.map((l) => ({ trace_id: l.context.traceId, span_id: l.context.spanId, attributes: { ...(l.attributes ?? {}) } })),
    scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version ?? '' },
  };
}

function sessionsOf(spans: readonly ExportSpan[]): ExportSession[] {
  const byId = new Map<string, ExportSession & { first: bigint; last: bigint; traces: Set<string> }>();
  for (const s of spans) {
    const id = s.attributes['session.id'];
    if (typeof id !== 'string' || id === '') continue;
    const start = BigInt(s.start_time_unix_nano);
    const end = BigInt(s.end_time_unix_nano);
    let session = byId.get(id);
    if (!session) {
      session = {
        id,
        name: null,
        user_id: null,
        labels: {},
        start: '',
        end: '',
        span_count: 0,
        trace_ids: [],
        first: start,
        last: end,
        traces: new Set(),
      };
      byId.set(id, session);
    }
    session.span_count++;
    if (start < session.first) session.first = start;
    if (end > session.last) session.last = end;
    session.traces.add(s.trace_id);
    const name = s.attributes[SESSION_NAME_ATTRIBUTE];
    if (session.name === null && typeof name === 'string') session.name = name;
    const user = s.attributes['user.id'];
    if (session.user_id === null && typeof user === 'string') session.user_id = user;
    for (const [key, value] of Object.entries(s.attributes))
      if (key.startsWith(LABEL_ATTRIBUTE_PREFIX) && typeof value === 'string')
        session.labels[key.slice(LABEL_ATTRIBUTE_PREFIX.length)] ??= value;
  }
  return [...byId.values()].map(({ first, last, traces, ...session }) => ({
    ...session,
    start: iso(first),
    end: iso(last),
    trace_ids: [...traces],
  }));
}

function treesOf(spans: readonly ExportSpan[]): ExportTrace[] {
  const nodes = new Map<string, ExportTreeNode>();
  for (const s of spans) nodes.set(`${s.trace_id}/${s.span_id}`, { span_id: s.span_id, name: s.name, children: [] });
  const traces = new Map<string, ExportTrace>();
  for (const s of spans) {
    const node = nodes.get(`${s.trace_id}/${s.span_id}`) as ExportTreeNode;
    const parent = s.parent_span_id ? nodes.get(`${s.trace_id}/${s.parent_span_id}`) : undefined;
    if (parent) parent.children.push(node);
    else {
      let trace = traces.get(s.trace_id);
      if (!trace) traces.set(s.trace_id, (trace = { trace_id: s.trace_id, roots: [] }));
      trace.roots.push(node);
    }
  }
  return [...traces.values()];
}

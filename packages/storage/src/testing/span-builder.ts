import {
  type AnyValue,
  type Attributes,
  type InstrumentationScope,
  newAttributes,
  type Resource,
  type Span,
  type SpanEvent,
  type SpanKind,
  type SpanLink,
  StatusCode,
} from '@sightline/core';

/** Base time of built spans: 2024-05-01T12:00:00Z, in ns. */
export const T0 = 1_714_564_800_000_000_000n;
const MS = 1_000_000n;

export interface SpanSpec {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string | null;
  name?: string;
  service?: string;
  /** Start, in ms after {@link T0}. */
  startMs?: number;
  durationMs?: number;
  kind?: SpanKind;
  status?: 'unset' | 'ok' | 'error';
  statusMessage?: string;
  attributes?: Record<string, AnyValue>;
  resourceAttributes?: Record<string, AnyValue>;
  events?: SpanEvent[];
  links?: SpanLink[];
  scope?: Partial<InstrumentationScope>;
}

let counter = 0;

/** A unique, valid id of `chars` hex characters. */
export function hexId(chars: 16 | 32, seed?: number): string {
  const n = seed ?? ++counter;
  return `${n.toString(16).padStart(chars - 4, '0')}beef`.slice(-chars);
}

export function attrs(entries: Record<string, AnyValue>): Attributes {
  return Object.assign(newAttributes(), entries);
}

const resources = new Map<string, Resource>();

/** A resource per service name (shared, as decoded requests share them). */
export function resourceFor(service: string, extra?: Record<string, AnyValue>): Resource {
  if (extra) return { attributes: attrs({ 'service.name': service, ...extra }), droppedAttributesCount: 0, schemaUrl: '' };
  let r = resources.get(service);
  if (!r) resources.set(service, (r = { attributes: attrs({ 'service.name': service }), droppedAttributesCount: 0, schemaUrl: '' }));
  return r;
}

/** A canonical span with sensible defaults; override what a test cares about. */
export function buildSpan(spec: SpanSpec = {}): Span {
  const start = T0 + BigInt(Math.round((spec.startMs ?? 0) * 1000)) * 1000n;
  const end = start + BigInt(Math.round((spec.durationMs ?? 10) * 1000)) * (MS / 1000n);
  return {
    traceId: spec.traceId ?? hexId(32),
    spanId: spec.spanId ?? hexId(16),
    parentSpanId: spec.parentSpanId ?? null,
    traceState: '',
    flags: 0x101,
    name: spec.name ?? 'operation',
    kind: spec.kind ?? 1,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: attrs(spec.attributes ?? {}),
    droppedAttributesCount: 0,
    events: spec.events ?? [],
    droppedEventsCount: 0,
    links: spec.links ?? [],
    droppedLinksCount: 0,
    status: {
      code: spec.status === 'error' ? StatusCode.ERROR : spec.status === 'ok' ? StatusCode.OK : StatusCode.UNSET,
      message: spec.statusMessage ?? '',
    },
    resource: spec.resourceAttributes ? resourceFor(spec.service ?? 'svc', spec.resourceAttributes) : resourceFor(spec.service ?? 'svc'),
    scope: { name: 'test', version: '1.0.0', attributes: attrs({}), droppedAttributesCount: 0, schemaUrl: '', ...spec.scope },
  };
}

/**
 * A trace of `size` spans: a root and children nested `fanout` wide, each starting 1 ms after
 * its parent. Returns spans in creation order (root first).
 */
export function buildTrace(size: number, spec: SpanSpec & { fanout?: number } = {}): Span[] {
  const traceId = spec.traceId ?? hexId(32);
  const fanout = spec.fanout ?? 3;
  const spans: Span[] = [];
  for (let i = 0; i < size; i++) {
    const parent = i === 0 ? null : (spans[Math.floor((i - 1) / fanout)] as Span);
    spans.push(
      buildSpan({
        ...spec,
        traceId,
        spanId: undefined,
        parentSpanId: parent?.spanId ?? null,
        name: i === 0 ? (spec.name ?? 'root') : `child-${i}`,
        startMs: (spec.startMs ?? 0) + i,
        durationMs: i === 0 ? size + 10 : 5,
      }),
    );
  }
  return spans;
}

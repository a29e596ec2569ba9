import type { HrTime, Attributes as OtelAttributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type AnyValue, type Attributes, newAttributes, type Span, type SpanKind, type StatusCode } from '../packages/core/src/index.js';

/**
 * The canonical span Sightline must decode from what the OTel JS serializers encode for
 * `span`: the expectation side of the reference-encoder tests.
 */
export function expectedSpan(span: ReadableSpan): Span {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext;
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: parent?.spanId ?? null,
    traceState: ctx.traceState?.serialize() ?? '',
    flags: (ctx.traceFlags & 0xff) | 0x100 | (parent?.isRemote ? 0x200 : 0),
    name: span.name,
    kind: (span.kind + 1) as SpanKind,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    attributes: expectedAttributes(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((e) => ({
      timeUnixNano: nanos(e.time),
      name: e.name,
      attributes: expectedAttributes(e.attributes ?? {}),
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      traceState: l.context.traceState?.serialize() ?? '',
      attributes: expectedAttributes(l.attributes ?? {}),
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
      flags: (l.context.traceFlags & 0xff) | 0x100 | (l.context.isRemote ? 0x200 : 0),
    })),
    droppedLinksCount: span.droppedLinksCount,
    status: { code: span.status.code as StatusCode, message: span.status.message ?? '' },
    resource: {
      attributes: expectedAttributes(span.resource.attributes as OtelAttributes),
      droppedAttributesCount: 0,
      schemaUrl: span.resource.schemaUrl ?? '',
    },
    scope: {
      name: span.instrumentationScope.name,
      version: span.instrumentationScope.version ?? '',
      attributes: expectedAttributes({}),
      droppedAttributesCount: 0,
      schemaUrl: span.instrumentationScope.schemaUrl ?? '',
    },
  };
}

export function expectedAttributes(attrs: OtelAttributes | Record<string, unknown>): Attributes {
  const out = newAttributes();
  for (const key of Object.keys(attrs)) out[key] = expectedValue((attrs as Record<string, unknown>)[key]);
  return out;
}

function expectedValue(value: unknown): AnyValue {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(expectedValue);
  if (value !== null && typeof value === 'object') return expectedAttributes(value as Record<string, unknown>);
  return null;
}

function nanos([s, ns]: HrTime): bigint {
  return BigInt(s) * 1_000_000_000n + BigInt(ns);
}

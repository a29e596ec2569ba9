import type { Attributes } from './any-value.js';

/** OTLP `Span.SpanKind`. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** OTLP `Status.StatusCode`. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

/** The entity that produced telemetry (OTLP `Resource`). Shared by every span that came with it. */
export interface Resource {
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  /** The `schema_url` of the `ResourceSpans` that carried this resource ('' when absent). */
  readonly schemaUrl: string;
}

/** The instrumentation library that produced a span (OTLP `InstrumentationScope`). */
export interface InstrumentationScope {
  readonly name: string;
  readonly version: string;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  /** The `schema_url` of the `ScopeSpans` that carried this scope ('' when absent). */
  readonly schemaUrl: string;
}

export interface SpanEvent {
  readonly timeUnixNano: bigint;
  readonly name: string;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
}

export interface SpanLink {
  /** 32 lowercase hex characters. */
  readonly traceId: string;
  /** 16 lowercase hex characters. */
  readonly spanId: string;
  readonly traceState: string;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly flags: number;
}

export interface SpanStatus {
  readonly code: StatusCode;
  readonly message: string;
}

/**
 * The canonical span: everything OTLP carries for one span, with its resource and scope.
 * Ids are lowercase hex; times are nanoseconds since the Unix epoch.
 */
export interface Span {
  /** 32 lowercase hex characters. */
  readonly traceId: string;
  /** 16 lowercase hex characters. */
  readonly spanId: string;
  /** 16 lowercase hex characters, or null for a root span. */
  readonly parentSpanId: string | null;
  readonly traceState: string;
  /** W3C trace flags in the low 8 bits; OTLP's is-remote bits above them. */
  readonly flags: number;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly events: readonly SpanEvent[];
  readonly droppedEventsCount: number;
  readonly links: readonly SpanLink[];
  readonly droppedLinksCount: number;
  readonly status: SpanStatus;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
}

/** The value of the `service.name` resource attribute, or `unknown_service` as OTel defines. */
export function serviceNameOf(resource: Resource): string {
  const value = resource.attributes['service.name'];
  return typeof value === 'string' && value !== '' ? value : 'unknown_service';
}

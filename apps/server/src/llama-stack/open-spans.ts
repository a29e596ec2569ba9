import { randomBytes } from 'node:crypto';
import {
  type AnyValue,
  type Attributes,
  type InstrumentationScope,
  msToNanos,
  newAttributes,
  type Resource,
  type Span,
  type SpanEvent,
  SpanKind,
  StatusCode,
} from '@sightline/core';
import type { HttpError } from '../http/http-error.js';
import type { Ingest } from '../ingest/ingest.js';
import type { Logger } from '../log.js';
import type { TelemetryEvent } from './log-event.js';

const RESOURCE: Resource = {
  attributes: Object.assign(newAttributes(), { 'service.name': 'llama-stack' }),
  droppedAttributesCount: 0,
  schemaUrl: '',
};
/** Where a span opened under a span with a Llama Stack `session_id` keeps that session. */
export const INHERITED_SESSION = 'sightline.session_id';

const SCOPE: InstrumentationScope = {
  name: 'llama-stack.telemetry',
  version: '',
  attributes: newAttributes(),
  droppedAttributesCount: 0,
  schemaUrl: '',
};

interface OpenSpan {
  readonly project: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly name: string;
  readonly start: bigint;
  readonly attributes: Record<string, AnyValue>;
  readonly events: SpanEvent[];
  ttlSeconds: number;
  readonly openedAtMs: number;
  last: bigint;
  /** The bytes of the events that built it, standing for the memory it holds. */
  bytes: number;
}

export interface OpenSpansLimits {
  /** How long a span may stay open before it is stored unfinished (default one hour). */
  readonly maxOpenMs: number;
  /** Spans open at once (default 10,000). */
  readonly maxSpans: number;
  /** Bytes of events held by open spans at once (default 64 MiB). */
  readonly maxBytes: number;
}

/** Unfinished spans are stored this many to a request. */
const STORE_CHUNK = 1_000;

const DEFAULT_LIMITS: OpenSpansLimits = { maxOpenMs: 3_600_000, maxSpans: 10_000, maxBytes: 64 * 1024 * 1024 };

/**
 * Spans opened and closed by Llama Stack `log-event` calls. A span is held in memory from
 * `span_start` to `span_end`, collecting logs and metrics as span events, and stored when it
 * ends. Nothing logged is dropped: a log or metric for a span that is not open is stored as
 * a span of its own under that span; a span never ended is stored, marked unfinished, after
 * `maxOpenMs` or at shutdown — or, when more spans or bytes are open than the limits allow,
 * the oldest are stored so, to make room.
 */
export class OpenSpans {
  private readonly open = new Map<string, OpenSpan>();
  private readonly limits: OpenSpansLimits;
  private heldBytes = 0;

  constructor(
    private readonly ingest: Ingest,
    private readonly logger: Logger,
    limits: Partial<OpenSpansLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * A starting span's attributes, with `sightline.session_id` — the session of the open span it
   * starts under (its `session_id`, or what that span inherited) — when it has no `session_id`
   * of its own: a Llama Stack agent puts the session on its turn spans only, and the inference
   * spans under a turn are the calls that belong to it.
   */
  private withSession(project: string, event: TelemetryEvent & { type: 'span_start' }): Record<string, AnyValue> {
    const attributes = { ...event.attributes };
    if (Object.hasOwn(attributes, 'session_id') || event.parentSpanId === null) return attributes;
    const parent = this.open.get(`${project}\u0000${event.parentSpanId}`)?.attributes;
    const session = parent?.session_id ?? parent?.[INHERITED_SESSION];
    if (session !== undefined) attributes[INHERITED_SESSION] = session;
    return attributes;
  }

  /** Bytes of events held by open spans. */
  get bytes(): number {
    return this.heldBytes;
  }

  /**
   * Applies one event whose request body was `bytes` long; returns the error to answer
   * with, or null.
   */
  async apply(project: string, event: TelemetryEvent, ttlSeconds: number, bytes = 0): Promise<HttpError | null> {
    const key = `${project}\u0000${event.spanId}`;
    const span = this.open.get(key);
    switch (event.type) {
      case 'span_start':
        if (span) return null; // Already open: a retried span_start changes nothing.
        this.open.set(key, {
          project,
          traceId: event.traceId,
          spanId: event.spanId,
          parentSpanId: event.parentSpanId,
          name: event.name,
          start: event.timeUnixNano,
          attributes: this.withSession(project, event),
          events: [],
          ttlSeconds,
          openedAtMs: this.now(),
          last: event.timeUnixNano,
          bytes,
        });
        this.heldBytes += bytes;
        return this.makeRoom();
      case 'span_end': {
        if (!span) {
          this.logger.warn(
            `log-event: span_end for span ${event.spanId}, which is not open (never started, or stored unfinished); ignored`,
          );
          return null;
        }
        this.close(key, span);
        Object.assign(span.attributes, event.attributes);
        span.ttlSeconds = ttlSeconds;
        return this.store(span, event.timeUnixNano, event.status === 'error' ? StatusCode.ERROR : StatusCode.OK);
      }
      default: {
        const { name, attributes } = describe(event);
        if (span) {
          span.events.push({ timeUnixNano: event.timeUnixNano, name, attributes, droppedAttributesCount: 0 });
          if (event.timeUnixNano > span.last) span.last = event.timeUnixNano;
          span.bytes += bytes;
          this.heldBytes += bytes;
          return this.makeRoom();
        }
        return this.ingest.accept(project, [standalone(event, name, attributes)], this.expiry(ttlSeconds));
      }
    }
  }

  /** Stores spans open longer than `maxOpenMs` (all of them when `all`), marked unfinished. */
  async flushStale(all = false): Promise<void> {
    const cutoff = this.now() - this.limits.maxOpenMs;
    const stale: OpenSpan[] = [];
    for (const [key, span] of this.open) {
      if (!all && span.openedAtMs > cutoff) continue;
      this.close(key, span);
      stale.push(span);
    }
    const failure = await this.storeUnfinished(stale);
    if (failure) this.logger.warn(`could not store ${stale.length} unfinished span(s): ${failure.message}`);
  }

  /** Beyond the limits, stores the oldest open spans unfinished until they are met again. */
  private async makeRoom(): Promise<HttpError | null> {
    const { maxSpans, maxBytes } = this.limits;
    if (this.open.size <= maxSpans && this.heldBytes <= maxBytes) return null;
    const oldest: OpenSpan[] = [];
    for (const [key, span] of this.open) {
      if (this.open.size <= maxSpans && this.heldBytes <= maxBytes) break;
      this.close(key, span);
      oldest.push(span);
    }
    this.logger.warn(
      `log-event: more than ${maxSpans} spans or ${Math.round(maxBytes / 1024 / 1024)} MiB open; stored the ${oldest.length} oldest unfinished`,
    );
    return this.storeUnfinished(oldest);
  }

  /**
   * Forgets the open spans of a project's traces (they were deleted): their `span_end` then has
   * nothing to store, and the trace stays deleted. Returns how many were dropped.
   */
  forgetTraces(project: string, traceIds: ReadonlySet<string>): number {
    let dropped = 0;
    for (const [key, span] of this.open) {
      if (span.project !== project || !traceIds.has(span.traceId)) continue;
      this.close(key, span);
      dropped++;
    }
    return dropped;
  }

  private close(key: string, span: OpenSpan): void {
    this.open.delete(key);
    this.heldBytes -= span.bytes;
  }

  /** Stores spans cut short, marked `sightline.span.unfinished`, a request per project and lifetime. */
  private async storeUnfinished(spans: readonly OpenSpan[]): Promise<HttpError | null> {
    const groups = new Map<string, { project: string; ttlSeconds: number; spans: Span[] }>();
    for (const span of spans) {
      span.attributes['sightline.span.unfinished'] = true;
      const key = `${span.project}\u0000${span.ttlSeconds}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { project: span.project, ttlSeconds: span.ttlSeconds, spans: [] }));
      group.spans.push(toSpan(span, span.last, StatusCode.UNSET));
    }
    let failure: HttpError | null = null;
    for (const group of groups.values()) {
      for (let at = 0; at < group.spans.length; at += STORE_CHUNK) {
        const chunk = group.spans.slice(at, at + STORE_CHUNK);
        failure = (await this.ingest.accept(group.project, chunk, this.expiry(group.ttlSeconds))) ?? failure;
      }
    }
    return failure;
  }

  private store(span: OpenSpan, end: bigint, status: StatusCode): Promise<HttpError | null> {
    return this.ingest.accept(span.project, [toSpan(span, end, status)], this.expiry(span.ttlSeconds));
  }

  private expiry(ttlSeconds: number): bigint {
    return msToNanos(this.now()) + BigInt(ttlSeconds) * 1_000_000_000n;
  }
}

function toSpan(span: OpenSpan, end: bigint, status: StatusCode): Span {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    traceState: '',
    flags: 1,
    name: span.name,
    kind: SpanKind.INTERNAL,
    startTimeUnixNano: span.start,
    endTimeUnixNano: end < span.start ? span.start : end,
    attributes: span.attributes,
    droppedAttributesCount: 0,
    events: span.events,
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: status, message: '' },
    resource: RESOURCE,
    scope: SCOPE,
  };
}

function describe(event: TelemetryEvent): { name: string; attributes: Attributes } {
  const attributes = newAttributes();
  if (event.type === 'unstructured_log') {
    attributes.message = event.message;
    attributes.severity = event.severity;
  } else if (event.type === 'metric') {
    attributes.value = Number.isSafeInteger(event.value) ? BigInt(event.value) : event.value;
    attributes.unit = event.unit;
  }
  Object.assign(attributes, event.attributes);
  return { name: event.type === 'metric' ? `metric.${event.metric}` : 'unstructured_log', attributes };
}

function standalone(event: TelemetryEvent, name: string, attributes: Attributes): Span {
  return {
    traceId: event.traceId,
    spanId: randomBytes(8).toString('hex'),
    parentSpanId: event.spanId,
    traceState: '',
    flags: 1,
    name,
    kind: SpanKind.INTERNAL,
    startTimeUnixNano: event.timeUnixNano,
    endTimeUnixNano: event.timeUnixNano,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.UNSET, message: '' },
    resource: RESOURCE,
    scope: SCOPE,
  };
}

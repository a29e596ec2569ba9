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
}

/**
 * Spans opened and closed by Llama Stack `log-event` calls. A span is held in memory from
 * `span_start` to `span_end`, collecting logs and metrics as span events, and stored when it
 * ends. Nothing logged is dropped: a log or metric for a span that is not open is stored as
 * a span of its own under that span; a span never ended is stored, marked unfinished, after
 * `maxOpenMs` or at shutdown.
 */
export class OpenSpans {
  private readonly open = new Map<string, OpenSpan>();

  constructor(
    private readonly ingest: Ingest,
    private readonly logger: Logger,
    private readonly maxOpenMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** Applies one event; returns the error to answer with, or null. */
  async apply(project: string, event: TelemetryEvent, ttlSeconds: number): Promise<HttpError | null> {
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
          attributes: { ...event.attributes },
          events: [],
          ttlSeconds,
          openedAtMs: this.now(),
          last: event.timeUnixNano,
        });
        return null;
      case 'span_end': {
        if (!span) {
          this.logger.warn(`log-event: span_end for span ${event.spanId}, which is not open; ignored`);
          return null;
        }
        this.open.delete(key);
        Object.assign(span.attributes, event.attributes);
        span.ttlSeconds = ttlSeconds;
        return this.store(span, event.timeUnixNano, event.status === 'error' ? StatusCode.ERROR : StatusCode.OK);
      }
      default: {
        const { name, attributes } = describe(event);
        if (span) {
          span.events.push({ timeUnixNano: event.timeUnixNano, name, attributes, droppedAttributesCount: 0 });
          if (event.timeUnixNano > span.last) span.last = event.timeUnixNano;
          return null;
        }
        return this.ingest.accept(project, [standalone(event, name, attributes)], this.expiry(ttlSeconds));
      }
    }
  }

  /** Stores spans open longer than `maxOpenMs` (all of them when `all`), marked unfinished. */
  async flushStale(all = false): Promise<void> {
    const cutoff = this.now() - this.maxOpenMs;
    for (const [key, span] of [...this.open]) {
      if (!all && span.openedAtMs > cutoff) continue;
      this.open.delete(key);
      span.attributes['sightline.span.unfinished'] = true;
      const failure = await this.store(span, span.last, StatusCode.UNSET);
      if (failure) this.logger.warn(`could not store unfinished span ${span.spanId}: ${failure.message}`);
    }
  }

  private store(span: OpenSpan, end: bigint, status: StatusCode): Promise<HttpError | null> {
    const full: Span = {
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
    return this.ingest.accept(span.project, [full], this.expiry(span.ttlSeconds));
  }

  private expiry(ttlSeconds: number): bigint {
    return msToNanos(this.now()) + BigInt(ttlSeconds) * 1_000_000_000n;
  }
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

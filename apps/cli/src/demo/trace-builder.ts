import {
  type Attributes,
  fromPlain,
  type InstrumentationScope,
  newAttributes,
  type Resource,
  type Span,
  SpanKind,
  StatusCode,
} from '@sightline/core';
import type { Random } from './random.js';

/** Attribute values as instrumentations set them; `undefined` leaves the key out. */
export type Plain = string | number | boolean | readonly string[] | readonly number[] | undefined;
export type PlainAttributes = Record<string, Plain>;

export interface SpanOptions {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly kind?: SpanKind;
  readonly attributes?: PlainAttributes;
  /** How long the span lasts at least (a leaf's whole duration). */
  readonly durationMs?: number;
  /** Time the span spends before its first child and after its last; a few ms by default. */
  readonly overheadMs?: number;
}

interface DraftEvent {
  readonly atMs: number;
  readonly name: string;
  readonly attributes: PlainAttributes;
}

/** A span being built, with times in milliseconds from the start of its trace. */
export class DraftSpan {
  readonly attributes: PlainAttributes;
  readonly events: DraftEvent[] = [];
  status: { code: StatusCode; message: string } = { code: StatusCode.UNSET, message: '' };
  endMs: number;

  constructor(
    readonly spanId: string,
    readonly parent: DraftSpan | null,
    readonly name: string,
    readonly options: SpanOptions,
    readonly startMs: number,
  ) {
    this.attributes = { ...options.attributes };
    this.endMs = startMs;
  }

  set(attributes: PlainAttributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }

  event(name: string, atMs: number, attributes: PlainAttributes = {}): this {
    this.events.push({ atMs, name, attributes });
    return this;
  }

  /** Marks the span failed as OTel SDKs do: status ERROR with the message, the exception recorded as an event. */
  fail(type: string, message: string, stacktrace?: string): this {
    this.status = { code: StatusCode.ERROR, message };
    return this.event('exception', this.endMs, {
      'exception.type': type,
      'exception.message': message,
      'exception.stacktrace': stacktrace,
    });
  }
}

/**
 * Builds one trace's spans on a clock that children advance: a span starts at the current time,
 * its body adds children one after the other, and it ends after them. Times are relative until
 * {@link TraceBuilder.finish} places the trace at an absolute start.
 */
export class TraceBuilder {
  readonly traceId: string;
  readonly spans: DraftSpan[] = [];
  private clock = 0;

  constructor(readonly rng: Random) {
    this.traceId = rng.hex(32);
  }

  /** Milliseconds since the trace started. */
  get now(): number {
    return this.clock;
  }

  /** The trace's duration so far. */
  get durationMs(): number {
    return this.spans.reduce((max, s) => Math.max(max, s.endMs), 0);
  }

  span(parent: DraftSpan | null, name: string, options: SpanOptions, body?: (span: DraftSpan) => void): DraftSpan {
    const overhead = options.overheadMs ?? this.rng.between(0.3, 4);
    const span = new DraftSpan(this.rng.hex(16), parent, name, options, this.clock);
    this.spans.push(span);
    if (body) {
      this.clock += overhead;
      body(span);
      this.clock += overhead;
    }
    this.clock = Math.max(this.clock, span.startMs + (options.durationMs ?? 0));
    span.endMs = this.clock;
    for (const e of span.events) if (e.atMs > span.endMs) span.endMs = e.atMs;
    return span;
  }

  /** Lets time pass (a backoff, a user reading, work outside any span). */
  wait(ms: number): void {
    this.clock += ms;
  }

  /** Runs branches that start together (a few ms apart); the clock moves to the last one's end. */
  parallel(branches: readonly (() => void)[]): void {
    const start = this.clock;
    let end = start;
    for (const branch of branches) {
      this.clock = start + this.rng.between(0.2, 6);
      branch();
      end = Math.max(end, this.clock);
    }
    this.clock = end;
  }

  /** The canonical spans, the trace placed to start at `startNs`. */
  finish(startNs: bigint): Span[] {
    const at = (ms: number) => startNs + BigInt(Math.round(ms * 1e6));
    return this.spans.map((s) => ({
      traceId: this.traceId,
      spanId: s.spanId,
      parentSpanId: s.parent?.spanId ?? null,
      traceState: '',
      flags: 0x101,
      name: s.name,
      kind: s.options.kind ?? SpanKind.INTERNAL,
      startTimeUnixNano: at(s.startMs),
      endTimeUnixNano: at(s.endMs),
      attributes: attributes(s.attributes),
      droppedAttributesCount: 0,
      events: s.events.map((e) => ({
        timeUnixNano: at(e.atMs),
        name: e.name,
        attributes: attributes(e.attributes),
        droppedAttributesCount: 0,
      })),
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: s.status,
      resource: s.options.resource,
      scope: s.options.scope,
    }));
  }
}

function attributes(plain: PlainAttributes): Attributes {
  const out = newAttributes();
  for (const key in plain) {
    const value = plain[key];
    if (value !== undefined) out[key] = fromPlain(value);
  }
  return out;
}

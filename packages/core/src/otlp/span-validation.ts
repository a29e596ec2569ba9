import { isAllZero } from '../model/ids.js';
import type { SpanEvent, SpanLink } from '../model/span.js';
import { timeRangeProblem } from '../model/time-range.js';

/**
 * Checks the fields OTLP requires of a span, given as decoded from the wire.
 * Returns the reason the span must be refused, or null when it is acceptable.
 * Ids here are already lowercase hex; `traceIdBytes` etc. are their decoded lengths.
 */
export function spanProblem(
  traceIdBytes: number,
  traceId: string,
  spanIdBytes: number,
  spanId: string,
  parentIdBytes: number,
  start: bigint,
  end: bigint,
  kind: number,
  statusCode: number,
  links: readonly SpanLink[] | null,
  events: readonly SpanEvent[] | null,
): string | null {
  if (traceIdBytes !== 16) return `trace_id must be 16 bytes, got ${traceIdBytes}`;
  if (isAllZero(traceId)) return 'trace_id is all zeroes';
  if (spanIdBytes !== 8) return `span_id must be 8 bytes, got ${spanIdBytes}`;
  if (isAllZero(spanId)) return 'span_id is all zeroes';
  if (parentIdBytes !== 0 && parentIdBytes !== 8) return `parent_span_id must be empty or 8 bytes, got ${parentIdBytes}`;
  if (start === 0n) return 'start_time_unix_nano is missing';
  if (end === 0n) return 'end_time_unix_nano is missing';
  const range = timeRangeProblem('start_time_unix_nano', start) ?? timeRangeProblem('end_time_unix_nano', end);
  if (range !== null) return range;
  if (end < start) return 'end_time_unix_nano is before start_time_unix_nano';
  if (kind < 0 || kind > 5 || !Number.isInteger(kind)) return `kind ${kind} is not a SpanKind`;
  if (statusCode < 0 || statusCode > 2 || !Number.isInteger(statusCode)) return `status code ${statusCode} is not a StatusCode`;
  if (links) {
    for (let i = 0; i < links.length; i++) {
      const link = links[i] as SpanLink;
      if (link.traceId.length !== 32 || isAllZero(link.traceId)) return `link ${i} has an invalid trace_id`;
      if (link.spanId.length !== 16 || isAllZero(link.spanId)) return `link ${i} has an invalid span_id`;
    }
  }
  if (events) {
    for (let i = 0; i < events.length; i++) {
      const range = timeRangeProblem(`event ${i} time_unix_nano`, (events[i] as SpanEvent).timeUnixNano);
      if (range !== null) return range;
    }
  }
  return null;
}

/** {@link spanProblem} for ids read as hex text (JSON encodings), whose byte lengths follow from it. */
export function hexSpanProblem(
  traceId: string,
  spanId: string,
  parentSpanId: string,
  start: bigint,
  end: bigint,
  kind: number,
  statusCode: number,
  links: readonly SpanLink[],
  events: readonly SpanEvent[],
): string | null {
  return spanProblem(
    traceId.length / 2,
    traceId,
    spanId.length / 2,
    spanId,
    parentSpanId.length / 2,
    start,
    end,
    kind,
    statusCode,
    links,
    events,
  );
}

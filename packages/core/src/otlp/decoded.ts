import type { Span } from '../model/span.js';

/** The outcome of decoding one export request. */
export interface DecodedTraces {
  /** The spans that passed validation, in request order. */
  readonly spans: Span[];
  /** How many spans were refused (bad ids, end before start, …). */
  readonly rejectedSpans: number;
  /** Why, for the first few refused spans; empty when none were refused. */
  readonly rejections: string[];
}

/** The mutable form decoders fill in. */
export interface DecodedTracesBuilder {
  spans: Span[];
  rejectedSpans: number;
  rejections: string[];
}

/** Keeps at most this many rejection reasons per request: the count tells the rest. */
export const MAX_REJECTION_MESSAGES = 5;

/** One line summarising the rejected spans, for `partial_success.error_message`. */
export function rejectionSummary(decoded: DecodedTraces): string {
  if (decoded.rejectedSpans === 0) return '';
  const more = decoded.rejectedSpans - decoded.rejections.length;
  const tail = more > 0 ? `; and ${more} more` : '';
  return `rejected ${decoded.rejectedSpans} invalid span(s): ${decoded.rejections.join('; ')}${tail}`;
}

/** Counts a refused span and keeps why, for the first few. */
export function rejectSpan(out: DecodedTracesBuilder, resourceIndex: number, spanIndex: number, name: string, problem: string): void {
  rejectItem(out, `resource_spans[${resourceIndex}] span ${spanIndex}`, name, problem);
}

/** Counts a refused span found at `where` and keeps why, for the first few. */
export function rejectItem(out: DecodedTracesBuilder, where: string, name: string, problem: string): void {
  out.rejectedSpans++;
  if (out.rejections.length >= MAX_REJECTION_MESSAGES) return;
  const label = name ? ` "${name.length > 64 ? `${name.slice(0, 61)}...` : name}"` : '';
  out.rejections.push(`${where}${label}: ${problem}`);
}

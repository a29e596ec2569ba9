import {
  type ContentEvent,
  type LlmCall,
  type LogRecord,
  normalizeSpan,
  type Span,
  UNKNOWN_CALL_FIELDS,
  withEventContent,
} from '@sightline/core';
import type { StoredCall } from './call-results.js';

/** What a store keeps of a call: any of its fields (those it does not keep are left out). */
export type StoredFigures = Partial<StoredCall> & Pick<StoredCall, 'project' | 'traceId' | 'spanId'>;

/** Fields that are what the call said: always read from the span. */
const CONTENT: ReadonlySet<string> = new Set(['inputMessages', 'outputMessages', 'toolCalls', 'parameters', 'provenance']);
/** Fields ingest may leave null because it reads no content, though the content gives them. */
const FROM_CONTENT_TOO: ReadonlySet<string> = new Set(['finishReasons', 'toolCallCount']);

/**
 * A stored call as readers return it: the call read from its span again (content, provenance,
 * and what the store did not keep), with what the store kept on top — the figures ingest read
 * and what the store decided (cost, `counted`) — and messages from the content events logged for
 * the span where the span had none.
 */
export function callWithContent(stored: StoredFigures, span: Span | null, logs: readonly LogRecord[]): StoredCall {
  const full = span ? normalizeSpan(span) : null;
  const out: Record<string, unknown> = { ...(full ?? UNKNOWN_CALL_FIELDS) };
  for (const [key, value] of Object.entries(stored)) {
    if (value === undefined || (full && CONTENT.has(key))) continue;
    if (value === null && full && FROM_CONTENT_TOO.has(key)) continue;
    out[key] = value;
  }
  out.provenance = { ...(full?.provenance ?? {}), ...costProvenance(out as unknown as LlmCall) };
  let call = out as unknown as StoredCall;
  const events: ContentEvent[] = logs.map((l) => ({
    name: l.eventName,
    timeUnixNano: l.timeUnixNano,
    attributes: l.attributes,
    body: l.body,
  }));
  if (events.length) call = withEventContent(call, events) as StoredCall;
  return call;
}

function costProvenance(call: LlmCall): Record<string, { vocabulary: string; rule: string }> {
  if (call.costSource === 'table' || call.costSource === 'override')
    return {
      costUsd: {
        vocabulary: 'sightline',
        rule: `${call.costSource === 'table' ? 'price table' : 'price override'}: ${call.priceModel}`,
      },
    };
  return {};
}

import { type ContentEvent, type LlmCall, type LogRecord, normalizeSpan, type Span, withEventContent } from '@sightline/core';

/**
 * A stored call as readers return it: the stored figures (what ingest read, and what the
 * store decided: cost, `counted`) with the content — messages, tool calls, parameters — and
 * provenance read from the span again, and messages from the content events logged for the
 * span where the span had none.
 */
export function callWithContent<C extends LlmCall>(stored: C, span: Span | null, logs: readonly LogRecord[]): C {
  const full = span ? normalizeSpan(span) : null;
  let call: C = full
    ? {
        ...stored,
        inputMessages: full.inputMessages,
        outputMessages: full.outputMessages,
        toolCalls: full.toolCalls,
        toolCallCount: stored.toolCallCount ?? full.toolCallCount,
        finishReasons: stored.finishReasons ?? full.finishReasons,
        parameters: full.parameters,
        provenance: { ...full.provenance, ...costProvenance(stored) },
      }
    : stored;
  const events: ContentEvent[] = logs.map((l) => ({
    name: l.eventName,
    timeUnixNano: l.timeUnixNano,
    attributes: l.attributes,
    body: l.body,
  }));
  if (events.length) call = withEventContent(call, events) as C;
  return call;
}

function costProvenance(call: LlmCall): Record<string, { vocabulary: string; rule: string }> {
  if (call.costSource === 'table' || call.costSource === 'override')
    return {
      costUsd: { vocabulary: 'sightline', rule: `${call.costSource === 'table' ? 'price table' : 'price override'}: ${call.priceModel}` },
    };
  return {};
}

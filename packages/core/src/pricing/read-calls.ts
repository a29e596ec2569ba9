import type { LlmCall } from '../llm/llm-call.js';
import { normalizeSpan } from '../llm/normalize.js';
import type { Span } from '../model/span.js';
import type { Pricer } from './cost.js';

/**
 * The LLM calls of spans as ingest keeps them: figures only (content is read from the span when
 * a call is shown), each priced with `pricer`.
 */
export function readPricedCalls(spans: readonly Span[], pricer: Pricer): LlmCall[] {
  const calls: LlmCall[] = [];
  for (const span of spans) {
    const call = normalizeSpan(span, { content: false });
    // The call is new and ours: set its cost in place rather than copy it.
    if (call) calls.push(Object.assign(call, pricer.price(call)));
  }
  return calls;
}

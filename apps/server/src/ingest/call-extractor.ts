import { type LlmCall, normalizeSpan, type Pricer, type Span } from '@sightline/core';

/**
 * Reads the LLM calls of incoming spans and prices them, as ingest does: figures only (content
 * is read from the span when a call is shown). `pricer` is asked for the prices in force at
 * each request, so reloaded price overrides apply from then on.
 */
export class CallExtractor {
  constructor(private readonly pricer: () => Pricer) {}

  extract(spans: readonly Span[]): LlmCall[] {
    const pricer = this.pricer();
    const calls: LlmCall[] = [];
    for (const span of spans) {
      const call = normalizeSpan(span, { content: false });
      // The call is new and ours: set its cost in place rather than copy it.
      if (call) calls.push(Object.assign(call, pricer.price(call)));
    }
    return calls;
  }
}

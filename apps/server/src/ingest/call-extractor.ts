import { type LlmCall, type Pricer, readPricedCalls, type Span } from '@sightline/core';

/**
 * Reads the LLM calls of incoming spans and prices them, as ingest does: figures only (content
 * is read from the span when a call is shown). `pricer` is asked for the prices in force at
 * each request, so reloaded price overrides apply from then on.
 */
export class CallExtractor {
  constructor(private readonly pricer: () => Pricer) {}

  extract(spans: readonly Span[]): LlmCall[] {
    return readPricedCalls(spans, this.pricer());
  }
}

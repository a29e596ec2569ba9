import { normalizeSpan, StatusCode } from '@sightline/core';
import type { DemoTrace } from './traffic.js';

/** What the demo sent so far, counted as the server will see it. */
export class Tally {
  traces = 0;
  spans = 0;
  llmCalls = 0;
  errorSpans = 0;
  failedCalls = 0;
  cachedCalls = 0;
  streamedCalls = 0;
  requests = 0;
  rejectedSpans = 0;
  readonly services = new Set<string>();
  readonly sessions = new Set<string>();
  readonly users = new Set<string>();
  readonly vocabularies = new Map<string, number>();
  readonly providers = new Map<string, number>();
  readonly scenarios = new Map<string, number>();

  add(trace: DemoTrace): void {
    this.traces++;
    this.scenarios.set(trace.scenario, (this.scenarios.get(trace.scenario) ?? 0) + 1);
    for (const span of trace.spans) {
      this.spans++;
      this.services.add(String(span.resource.attributes['service.name']));
      if (span.status.code === StatusCode.ERROR) this.errorSpans++;
      // The server's own reading of the span, so the figures match what it will list.
      const call = normalizeSpan(span, { content: false });
      if (!call) continue;
      this.llmCalls++;
      if (call.isError) this.failedCalls++;
      if (call.cacheReadTokens) this.cachedCalls++;
      if (call.isStreaming) this.streamedCalls++;
      if (call.sessionId) this.sessions.add(call.sessionId);
      if (call.userId) this.users.add(call.userId);
      this.vocabularies.set(call.vocabulary, (this.vocabularies.get(call.vocabulary) ?? 0) + 1);
      const provider =
        call.hostProvider && call.hostProvider !== call.provider ? `${call.provider} on ${call.hostProvider}` : String(call.provider);
      this.providers.set(provider, (this.providers.get(provider) ?? 0) + 1);
    }
  }

  toJson(): Record<string, unknown> {
    const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]));
    return {
      traces: this.traces,
      spans: this.spans,
      llm_calls: this.llmCalls,
      failed_llm_calls: this.failedCalls,
      error_spans: this.errorSpans,
      cached_calls: this.cachedCalls,
      streamed_calls: this.streamedCalls,
      sessions: this.sessions.size,
      users: this.users.size,
      services: [...this.services].sort(),
      vocabularies: sorted(this.vocabularies),
      providers: sorted(this.providers),
      scenarios: sorted(this.scenarios),
      requests: this.requests,
      rejected_spans: this.rejectedSpans,
    };
  }
}

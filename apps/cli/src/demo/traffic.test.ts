import {
  builtInPrices,
  decodeTracesProto,
  encodeTracesProto,
  type LlmCall,
  normalizeSpan,
  Pricer,
  readPricedCalls,
  type Span,
} from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { longRunScenario } from './scenario-coding.js';
import { type DemoTrace, DemoTraffic, SCENARIOS } from './traffic.js';

const NOW = 1_790_000_000_000_000_000n;
const HOUR = 3_600_000_000_000n;

/** `count` traces filling the hour before NOW, as `sightline demo` places them. */
function fill(seed: number, count: number, traffic = new DemoTraffic(seed)): DemoTrace[] {
  return Array.from({ length: count }, (_, i) =>
    traffic.next({ startNs: NOW - HOUR + (HOUR * BigInt(i)) / BigInt(count), notAfterNs: NOW }),
  );
}

const traces = fill(1, 150);
const spans = traces.flatMap((t) => t.spans);
const calls: LlmCall[] = readPricedCalls(spans, new Pricer(builtInPrices()));

describe('demo traffic', () => {
  it('is valid OTLP: every span goes through the protobuf encoder and decoder unchanged', () => {
    const decoded = decodeTracesProto(encodeTracesProto(spans));
    expect(decoded.rejectedSpans).toBe(0);
    const byId = (list: readonly Span[]) => [...list].sort((a, b) => a.spanId.localeCompare(b.spanId));
    expect(byId(decoded.spans)).toEqual(byId(spans));
    for (const t of traces) {
      expect(t.endNs).toBeLessThanOrEqual(NOW);
      expect(t.startNs).toBeGreaterThanOrEqual(NOW - HOUR);
    }
  });

  it('prices every call that succeeded, with the built-in price table', () => {
    const answered = calls.filter((c) => !c.isError);
    expect(answered.length).toBeGreaterThan(100);
    expect(answered.filter((c) => c.costUsd === null).map((c) => c.model)).toEqual([]);
    expect(calls.some((c) => c.isError && c.errorType === 'RateLimitError')).toBe(true);
  });

  it('speaks four vocabularies, for four vendors on their own platforms and on Bedrock', () => {
    const count = (f: (c: LlmCall) => string | null) => new Set(calls.map(f));
    expect(count((c) => c.vocabulary)).toEqual(new Set(['otel-genai', 'openinference', 'vercel-ai', 'openllmetry']));
    expect(count((c) => c.provider)).toEqual(new Set(['openai', 'anthropic', 'gcp.gemini', 'meta']));
    expect(calls.some((c) => c.hostProvider === 'aws.bedrock')).toBe(true);
    expect(count((c) => c.operation)).toEqual(new Set(['chat', 'generate_content', 'embeddings']));
  });

  it('has cache reads and writes, reasoning tokens, tool calls, and TTFT in each vocabulary’s own encoding', () => {
    expect(calls.filter((c) => c.cacheReadTokens).length).toBeGreaterThan(20);
    expect(calls.some((c) => c.cacheWriteTokens)).toBe(true);
    expect(calls.some((c) => c.reasoningTokens)).toBe(true);
    for (const c of calls) if (c.cacheReadTokens) expect(c.cacheReadTokens).toBeLessThan(c.inputTokens as number);
    const streamedWithTtft = new Set(calls.filter((c) => c.isStreaming && c.ttftMs !== null && c.ttftMs > 0).map((c) => c.vocabulary));
    expect(streamedWithTtft).toEqual(new Set(['otel-genai', 'openinference', 'vercel-ai']));
    const toolSpans = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool' || s.name === 'ai.toolCall');
    expect(toolSpans.length).toBeGreaterThan(20);
    expect(toolSpans.some((s) => s.status.code === 2)).toBe(true);
  });

  it('never sends a call its own tool calls: each step is sent the conversation as it stood then', () => {
    const toolCallIds = (messages: LlmCall['inputMessages']) =>
      (messages ?? []).flatMap((m) => m.parts).flatMap((p) => (p.type === 'tool_call' && p.id ? [p.id] : []));
    const withContent = spans.flatMap((s) => normalizeSpan(s, { content: true }) ?? []);
    const made = withContent.filter((c) => toolCallIds(c.outputMessages).length > 0);
    expect(made.length).toBeGreaterThan(10);
    for (const c of made) {
      const own = new Set(toolCallIds(c.outputMessages));
      expect(
        toolCallIds(c.inputMessages).filter((id) => own.has(id)),
        `${c.vocabulary} ${c.model}`,
      ).toEqual([]);
    }
  });

  it('continues conversations across traces: one session and user, turns at least 20 s apart', () => {
    const bySession = new Map<string, DemoTrace[]>();
    for (const t of traces) {
      const sessions = new Set(readPricedCalls(t.spans, new Pricer(builtInPrices())).map((c) => c.sessionId));
      for (const s of sessions) if (s) bySession.set(s, [...(bySession.get(s) ?? []), t]);
    }
    const multiTurn = [...bySession.values()].filter((ts) => ts.length > 1);
    expect(multiTurn.length).toBeGreaterThan(5);
    for (const turns of multiTurn) {
      for (let i = 1; i < turns.length; i++)
        expect((turns[i] as DemoTrace).startNs - (turns[i - 1] as DemoTrace).endNs).toBeGreaterThanOrEqual(20_000_000_000n);
    }
    const users = new Set(calls.map((c) => c.userId).filter(Boolean));
    expect(users.size).toBeGreaterThan(10);
  });

  it('shows every scenario in the first traces, however few are sent', () => {
    const tour = SCENARIOS.filter((s) => s.inTour).map((s) => s.name);
    expect(new Set(fill(5, tour.length).map((t) => t.scenario))).toEqual(new Set(tour));
  });

  it('is the same for the same seed, and different for another', () => {
    expect(fill(7, 40)).toEqual(fill(7, 40));
    const ids = (ts: DemoTrace[]) => ts.map((t) => t.spans[0]?.traceId);
    expect(ids(fill(8, 10))).not.toEqual(ids(fill(7, 10)));
  });

  it('sends long agent runs of one to three hundred spans', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const [run] = fill(seed, 1, new DemoTraffic(seed, [longRunScenario]));
      expect(run?.spans.length).toBeGreaterThanOrEqual(100);
      expect(run?.spans.length).toBeLessThanOrEqual(300);
    }
  });
});

import {
  type AnyValue,
  builtInPrices,
  type LlmCall,
  type LogRecord,
  Pricer,
  PriceTable,
  readPricedCalls,
  type Span,
} from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { type CallQuery, type MetricsQuery, SESSION_ORDER_FIELDS, type SessionOrderField, type SessionQuery } from '../call-query.js';
import type { StoredCall } from '../call-results.js';
import { InvalidCursorError } from '../errors.js';
import type { Storage } from '../storage.js';
import { purgerOf, repricerOf } from './capabilities.js';
import { attrs, buildSpan, hexId, resourceFor, T0 } from './span-builder.js';

const MS = 1_000_000n;
const HOUR_MS = 3_600_000;
const pricer = new Pricer(builtInPrices());

export interface LlmSpanSpec {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string | null;
  service?: string;
  startMs?: number;
  durationMs?: number;
  status?: 'error';
  model?: string;
  served?: string;
  provider?: string;
  input?: number;
  output?: number;
  cacheRead?: number;
  ttftS?: number;
  session?: string;
  user?: string;
  operation?: string;
  extra?: Record<string, AnyValue>;
}

/** A span in the OpenTelemetry GenAI vocabulary. */
export function llmSpan(spec: LlmSpanSpec = {}): Span {
  const a: Record<string, AnyValue> = {
    'gen_ai.operation.name': spec.operation ?? 'chat',
    'gen_ai.provider.name': spec.provider ?? 'openai',
    'gen_ai.request.model': spec.model ?? 'gpt-4o-mini',
  };
  if (spec.served) a['gen_ai.response.model'] = spec.served;
  if (spec.input !== undefined) a['gen_ai.usage.input_tokens'] = BigInt(spec.input);
  if (spec.output !== undefined) a['gen_ai.usage.output_tokens'] = BigInt(spec.output);
  if (spec.cacheRead !== undefined) a['gen_ai.usage.cache_read.input_tokens'] = BigInt(spec.cacheRead);
  if (spec.ttftS !== undefined) a['gen_ai.response.time_to_first_chunk'] = spec.ttftS;
  if (spec.session) a['gen_ai.conversation.id'] = spec.session;
  if (spec.user) a['user.id'] = spec.user;
  return buildSpan({
    traceId: spec.traceId,
    spanId: spec.spanId,
    parentSpanId: spec.parentSpanId,
    service: spec.service,
    startMs: spec.startMs,
    durationMs: spec.durationMs ?? 1000,
    status: spec.status,
    name: `chat ${spec.model ?? 'gpt-4o-mini'}`,
    kind: 3,
    attributes: { ...a, ...spec.extra },
  });
}

/** An OpenInference LLM span of one gpt-4o-mini call (120 in, 8 out), as `scope` records it under `parent`. */
function openInferenceLlm(parent: Span, scope: string, name: string, startMs: number, durationMs: number): Span {
  return buildSpan({
    traceId: parent.traceId,
    parentSpanId: parent.spanId,
    name,
    startMs,
    durationMs,
    kind: 1,
    scope: { name: scope },
    attributes: {
      'openinference.span.kind': 'LLM',
      'llm.system': 'openai',
      'llm.provider': 'openai',
      'llm.model_name': 'gpt-4o-mini-2024-07-18',
      'llm.invocation_parameters': JSON.stringify({ model: 'gpt-4o-mini', stream: false }),
      'llm.token_count.prompt': 120n,
      'llm.token_count.completion': 8n,
      'llm.token_count.total': 128n,
    },
  });
}

/** The calls ingest reads from spans: figures only, priced with the built-in table. */
export function ingestCalls(spans: readonly Span[], with_ = pricer): LlmCall[] {
  return readPricedCalls(spans, with_);
}

/** A log record of `span`'s trace, `offsetNs` after it starts. */
export function logRecord(span: Span, eventName: string, body: AnyValue, offsetNs = 0n): LogRecord {
  return {
    timeUnixNano: span.startTimeUnixNano + offsetNs,
    observedTimeUnixNano: span.startTimeUnixNano + offsetNs,
    severityNumber: 9,
    severityText: '',
    body,
    attributes: attrs({ 'gen_ai.system': 'openai' }),
    droppedAttributesCount: 0,
    flags: 1,
    traceId: span.traceId,
    spanId: span.spanId,
    eventName,
    resource: resourceFor('svc'),
    scope: { name: 'events', version: '', attributes: attrs({}), droppedAttributesCount: 0, schemaUrl: '' },
  };
}

/** The conformance cases for LLM calls, sessions, metrics, logs and repricing. */
export function describeCallConformance(getStore: () => Storage): void {
  const write = (spans: Span[], project = 'default', logs: LogRecord[] = []) =>
    getStore().writer.write([{ project, spans, calls: ingestCalls(spans), logs }]);
  const calls = (q: Partial<CallQuery> = {}) => getStore().calls.findCalls({ project: 'default', limit: 100, ...q });
  const spanIds = (list: StoredCall[]) => list.map((c) => c.spanId);
  const metrics = (q: Partial<MetricsQuery> = {}) => getStore().calls.metrics({ project: 'default', ...q });
  const sessions = (q: Partial<SessionQuery> = {}) => getStore().calls.findSessions({ project: 'default', limit: 100, ...q });

  describe('LLM calls', () => {
    it('stores each call beside its span, with its content read back from the span', async () => {
      const span = llmSpan({
        model: 'gpt-4o-mini',
        served: 'gpt-4o-mini-2024-07-18',
        input: 1000,
        output: 200,
        cacheRead: 400,
        ttftS: 0.25,
        session: 's-1',
        user: 'u-1',
        extra: {
          'gen_ai.request.temperature': 0.2,
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: '<b>Hi</b>' }] }]),
          'gen_ai.output.messages': JSON.stringify([
            { role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' },
          ]),
        },
      });
      await write([span]);
      const [call] = (await calls()).items;
      expect(call).toMatchObject({
        project: 'default',
        traceId: span.traceId,
        spanId: span.spanId,
        timestamp: span.startTimeUnixNano,
        serviceName: 'svc',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        model: 'gpt-4o-mini-2024-07-18',
        operation: 'chat',
        inputTokens: 1000,
        outputTokens: 200,
        totalTokens: 1200,
        cacheReadTokens: 400,
        ttftMs: 250,
        durationMs: 1000,
        sessionId: 's-1',
        userId: 'u-1',
        costSource: 'table',
        vocabulary: 'otel-genai',
        counted: true,
        duplicateOf: null,
        finishReasons: ['stop'],
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: '<b>Hi</b>' }] }],
        outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finishReason: 'stop' }],
      });
      // gpt-4o-mini: $0.15 / 1M input, $0.075 cached, $0.60 output.
      expect(call?.costUsd).toBeCloseTo(600 * 0.15e-6 + 400 * 0.075e-6 + 200 * 0.6e-6, 12);
      expect(call?.costBreakdown?.cacheRead).toBeCloseTo(400 * 0.075e-6, 12);
      expect(call?.parameters.temperature).toBe(0.2);
      expect(call?.provenance.inputTokens).toEqual({ vocabulary: 'otel-genai', rule: 'gen_ai.usage.input_tokens' });
      expect(call?.provenance.costUsd?.rule).toMatch(/price table/);
      expect(await getStore().calls.getCall({ project: 'default', spanId: span.spanId })).toEqual(call);
      expect(await getStore().calls.getCall({ project: 'default', spanId: hexId(16) })).toBeNull();
      expect(await getStore().calls.getCall({ project: 'other', spanId: span.spanId })).toBeNull();
    });

    it('stores a retried span’s call once', async () => {
      const span = llmSpan({ input: 10, output: 5 });
      await write([span]);
      await write([span]);
      expect((await calls()).items).toHaveLength(1);
      expect((await metrics()).total.calls).toBe(1);
      const [trace] = (await getStore().reader.findTraces({ project: 'default', limit: 10 })).items;
      expect(trace).toMatchObject({ llmCallCount: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 });
    });

    it('sums a trace’s calls into its summary, null where nothing is known', async () => {
      const root = buildSpan({ name: 'agent', durationMs: 5000 });
      const a = llmSpan({
        traceId: root.traceId,
        parentSpanId: root.spanId,
        startMs: 1,
        input: 100,
        output: 10,
        session: 'conv-9',
        user: 'ann',
      });
      const b = llmSpan({ traceId: root.traceId, parentSpanId: root.spanId, startMs: 2, model: 'my-own-model', input: 50 });
      await write([root, a, b]);
      const [trace] = (await getStore().reader.findTraces({ project: 'default', limit: 10 })).items;
      const aCost = (await calls({ model: 'gpt-4o-mini' })).items[0]?.costUsd as number;
      expect(trace).toMatchObject({
        llmCallCount: 2,
        inputTokens: 150,
        outputTokens: 10,
        totalTokens: 110,
        sessionId: 'conv-9',
        userId: 'ann',
      });
      expect(trace?.costUsd).toBeCloseTo(aCost, 12);
      const unpriced = (await calls({ model: 'my-own-model' })).items[0];
      expect(unpriced).toMatchObject({ costUsd: null, costSource: null, totalTokens: null });
      const byCost = await getStore().reader.findTraces({ project: 'default', limit: 10, orderBy: { field: 'cost', direction: 'desc' } });
      expect(byCost.items).toHaveLength(1);
      // Traces without a cost (no calls, or none priced) come after the priced ones either way, page by page too.
      const plain = buildSpan({ name: 'GET /health', startMs: 5 });
      const cheap = llmSpan({ model: 'gpt-4o-mini', input: 10, output: 1, startMs: 6 });
      const own = llmSpan({ model: 'my-own-model', input: 10, startMs: 7 });
      await write([plain, cheap, own]);
      for (const [direction, priced] of [
        ['asc', [cheap.traceId, trace?.traceId]],
        ['desc', [trace?.traceId, cheap.traceId]],
      ] as const) {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await getStore().reader.findTraces({ project: 'default', limit: 1, cursor, orderBy: { field: 'cost', direction } });
          ids.push(...page.items.map((t) => t.traceId));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(ids.slice(0, 2), direction).toEqual(priced);
        expect(new Set(ids.slice(2)), direction).toEqual(new Set([plain.traceId, own.traceId]));
      }
      expect((await getStore().reader.findTraces({ project: 'default', limit: 10, sessionId: 'conv-9' })).items).toHaveLength(1);
      expect((await getStore().reader.findTraces({ project: 'default', limit: 10, userId: 'bob' })).items).toHaveLength(0);
    });

    it('counts a gateway call under the app’s call once, whichever arrives first', async () => {
      const app = llmSpan({ model: 'gpt-4o', input: 100, output: 20, startMs: 0, durationMs: 900 });
      const http = buildSpan({ traceId: app.traceId, parentSpanId: app.spanId, name: 'POST', startMs: 1, durationMs: 800 });
      const gateway = buildSpan({
        traceId: app.traceId,
        parentSpanId: http.spanId,
        name: 'llm',
        startMs: 2,
        durationMs: 700,
        attributes: {
          'plano.route.name': 'chat',
          'llm.model': 'gpt-4o-2024-08-06',
          'model.requested': 'gpt-4o',
          'llm.usage.prompt_tokens': 100n,
          'llm.usage.completion_tokens': 20n,
        },
      });
      // The gateway's span first, then the app's, then the span that links them.
      await write([gateway]);
      expect((await metrics()).total.calls).toBe(1);
      await write([app]);
      expect((await metrics()).total.calls).toBe(2);
      await write([http]);
      const all = (await calls()).items;
      expect(all).toHaveLength(2);
      expect(all.find((c) => c.spanId === gateway.spanId)).toMatchObject({ counted: false, duplicateOf: app.spanId, vocabulary: 'plano' });
      expect(all.find((c) => c.spanId === app.spanId)).toMatchObject({ counted: true, duplicateOf: null });
      const m = await metrics();
      expect(m.total).toMatchObject({ calls: 1, inputTokens: 100, outputTokens: 20 });
      const [trace] = (await getStore().reader.findTraces({ project: 'default', limit: 10 })).items;
      expect(trace).toMatchObject({ llmCallCount: 1, inputTokens: 100, totalTokens: 120 });
    });

    it('gives the counted copy of a call what only its duplicate knew (session, user, TTFT, route), whichever arrives first', async () => {
      for (const gatewayFirst of [true, false]) {
        // The app's span knows the session, user and TTFT; the gateway's span under it, the route.
        const app = llmSpan({
          model: 'gpt-4o',
          input: 100,
          output: 20,
          startMs: 0,
          durationMs: 900,
          session: `merge-${gatewayFirst}`,
          user: 'u-m',
          ttftS: 0.25,
        });
        const gateway = buildSpan({
          traceId: app.traceId,
          parentSpanId: app.spanId,
          name: 'llm',
          startMs: 2,
          durationMs: 700,
          attributes: {
            'plano.route.name': 'support',
            'llm.model': 'gpt-4o',
            'llm.usage.prompt_tokens': 100n,
            'llm.usage.completion_tokens': 20n,
          },
        });
        await write(gatewayFirst ? [gateway] : [app]);
        await write(gatewayFirst ? [app] : [gateway]);
        const all = (await calls({ traceId: app.traceId })).items;
        expect(all.find((c) => c.spanId === gateway.spanId)).toMatchObject({ counted: false, duplicateOf: app.spanId });
        expect(all.find((c) => c.spanId === app.spanId)).toMatchObject({
          counted: true,
          sessionId: `merge-${gatewayFirst}`,
          userId: 'u-m',
          ttftMs: 250,
          routeName: 'support',
        });
        // Metrics by route see the counted call under the gateway's route.
        const byRoute = await getStore().calls.metrics({ project: 'default', groupBy: 'route', traceId: app.traceId });
        expect(byRoute.groups.map((g) => [g.key, g.calls])).toEqual([['support', 1]]);
      }
    });

    it('counts a framework’s and a client’s records of one call side by side once, whichever arrives first', async () => {
      // LangChain's LLM span and the openai instrumentor's, both children of the chain span.
      const chain = buildSpan({
        name: 'RunnableSequence',
        startMs: 0,
        durationMs: 3000,
        kind: 1,
        attributes: { 'openinference.span.kind': 'CHAIN' },
      });
      const llm = openInferenceLlm(chain, 'openinference.instrumentation.langchain', 'ChatOpenAI', 10, 2000);
      const client = openInferenceLlm(chain, 'openinference.instrumentation.openai', 'ChatCompletion', 15, 1900);
      await write([client]);
      await write([chain, llm]);
      const all = (await calls()).items;
      expect(all.find((c) => c.spanId === client.spanId)).toMatchObject({ counted: false, duplicateOf: llm.spanId });
      expect(all.find((c) => c.spanId === llm.spanId)).toMatchObject({ counted: true, duplicateOf: null });
      expect((await metrics()).total).toMatchObject({ calls: 1, inputTokens: 120, outputTokens: 8 });
      const [trace] = (await getStore().reader.findTraces({ project: 'default', limit: 10 })).items;
      expect(trace).toMatchObject({ llmCallCount: 1, inputTokens: 120, totalTokens: 128 });
    });

    it('counts Logfire’s streamed-response record and its request span once, with the stream’s duration', async () => {
      const app = buildSpan({ name: 'handle question', startMs: 0, durationMs: 5000 });
      const template = 'streaming response from {request_data[model]!r} took {duration:.2f}s';
      const genAi = { 'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' };
      const scope = { name: 'logfire.openai' };
      const request = buildSpan({
        traceId: app.traceId,
        parentSpanId: app.spanId,
        name: 'Chat Completion with {request_data[model]!r}',
        startMs: 100,
        durationMs: 400,
        scope,
        attributes: { ...genAi, 'logfire.span_type': 'span', 'logfire.msg_template': 'Chat Completion with {request_data[model]!r}' },
      });
      const record = buildSpan({
        traceId: app.traceId,
        parentSpanId: app.spanId,
        name: template,
        startMs: 2900,
        durationMs: 0,
        scope,
        attributes: {
          ...genAi,
          'logfire.span_type': 'log',
          'logfire.msg_template': template,
          duration: 2.35,
          'gen_ai.response.model': 'gpt-4o',
        },
      });
      await write([record]);
      await write([app, request]);
      const all = (await calls()).items;
      expect(all.find((c) => c.spanId === request.spanId)).toMatchObject({ counted: false, duplicateOf: record.spanId });
      expect(all.find((c) => c.spanId === record.spanId)).toMatchObject({ counted: true, durationMs: 2350 });
      expect((await metrics()).total.calls).toBe(1);
    });

    it('does not merge two client calls of one model made in parallel', async () => {
      const root = buildSpan({ name: 'agent', startMs: 0, durationMs: 3000 });
      const a = openInferenceLlm(root, 'openinference.instrumentation.openai', 'ChatCompletion', 10, 1500);
      const b = openInferenceLlm(root, 'openinference.instrumentation.openai', 'ChatCompletion', 12, 1400);
      await write([root, a]);
      await write([b]);
      expect((await calls()).items.map((c) => c.counted)).toEqual([true, true]);
      expect((await metrics()).total).toMatchObject({ calls: 2, inputTokens: 240 });
    });

    it('finds traces by the model or provider of their calls', async () => {
      const a = llmSpan({ model: 'gpt-4o', served: 'gpt-4o-2024-08-06', input: 10, output: 1 });
      const b = llmSpan({ model: 'claude-sonnet-4-5', provider: 'anthropic', input: 10, output: 1 });
      const plain = buildSpan({ name: 'no calls' });
      await write([a, b, plain]);
      const find = async (q: { model?: string; provider?: string }) =>
        (await getStore().reader.findTraces({ project: 'default', limit: 10, ...q })).items.map((t) => t.traceId);
      expect(await find({ model: 'gpt-4o' })).toEqual([a.traceId]);
      expect(await find({ model: 'gpt-4o-2024-08-06' })).toEqual([a.traceId]);
      expect(await find({ provider: 'anthropic' })).toEqual([b.traceId]);
      expect(await find({ provider: 'anthropic', model: 'gpt-4o' })).toEqual([]);
    });

    it('counts sibling calls under a root whose id differs from theirs only in the last byte', async () => {
      const root = buildSpan({ spanId: 'aaaaaaaa00000000', name: 'agent.run', startMs: 0, durationMs: 5000 });
      const siblings = ['aaaaaaaa000000c0', 'aaaaaaaa000000c1', 'aaaaaaaa00000040'].map((spanId, i) =>
        llmSpan({ traceId: root.traceId, spanId, parentSpanId: root.spanId, model: 'gpt-4o', input: 100, output: 10, startMs: 10 + i }),
      );
      await write([root, ...siblings]);
      const stored = (await calls()).items;
      expect(stored.map((c) => [c.spanId, c.counted])).toEqual(expect.arrayContaining(siblings.map((s) => [s.spanId, true])));
      expect((await metrics()).total.calls).toBe(3);
    });

    it('summarizes each call in the trace outline: model, provider, tokens, cost, TTFT, counted, error', async () => {
      const app = llmSpan({ model: 'gpt-4o', input: 100, output: 20, cacheRead: 40, startMs: 0, durationMs: 900 });
      const gateway = buildSpan({
        traceId: app.traceId,
        parentSpanId: app.spanId,
        name: 'llm',
        startMs: 2,
        durationMs: 700,
        attributes: { 'plano.route.name': 'chat', 'llm.model': 'gpt-4o-2024-08-06', 'model.requested': 'gpt-4o' },
      });
      const plain = buildSpan({ traceId: app.traceId, parentSpanId: app.spanId, name: 'tool', startMs: 5, durationMs: 10 });
      await write([app, gateway, plain]);
      const outline = await getStore().reader.getTraceOutline({ project: 'default', traceId: app.traceId });
      const o = outline as NonNullable<typeof outline>;
      const stored = (await calls()).items;
      const at = (spanId: string) => {
        for (let i = 0; i < o.count; i++) if (o.spanIds.slice(i * 16, i * 16 + 16) === spanId) return o.callOf[i] as number;
        return -2;
      };
      expect(at(plain.spanId)).toBe(-1);
      expect(o.calls.count).toBe(2);
      for (const call of stored) {
        const i = at(call.spanId);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(o.strings[o.calls.models[i] as number]).toBe(call.model ?? call.requestModel);
        expect(o.calls.providers[i] === -1 ? null : o.strings[o.calls.providers[i] as number]).toBe(call.provider);
        const n = (v: number | undefined) => (Number.isNaN(v) ? null : v);
        expect([n(o.calls.inputTokens[i]), n(o.calls.outputTokens[i]), n(o.calls.cacheReadTokens[i])]).toEqual([
          call.inputTokens,
          call.outputTokens,
          call.cacheReadTokens,
        ]);
        expect(n(o.calls.costUsd[i])).toBe(call.costUsd);
        expect([o.calls.counted[i] === 1, o.calls.isError[i] === 1]).toEqual([call.counted, call.isError]);
      }
    });

    describe('filters, order and paging', () => {
      const setup = async () => {
        const spans = [
          llmSpan({ startMs: 0, model: 'gpt-4o', input: 1000, output: 100, service: 'api', session: 's1', user: 'ann', durationMs: 2000 }),
          llmSpan({
            startMs: 10,
            model: 'claude-sonnet-4-5',
            provider: 'anthropic',
            input: 10,
            output: 5,
            service: 'api',
            user: 'bob',
            durationMs: 300,
          }),
          llmSpan({
            startMs: 20,
            model: 'gpt-4o-mini',
            served: 'gpt-4o-mini-2024-07-18',
            input: 50,
            output: 50,
            service: 'worker',
            status: 'error',
            durationMs: 800,
          }),
          llmSpan({
            startMs: 30,
            model: 'text-embedding-3-small',
            operation: 'embeddings',
            input: 7,
            service: 'worker',
            durationMs: 50,
            extra: { tenant: 'acme' },
          }),
          buildSpan({
            startMs: 40,
            durationMs: 120,
            attributes: {
              'llm.operation': 'chat',
              'llm.model': 'gpt-4o-mini',
              'llm.input_tokens': 5n,
              'llm.output_tokens': 5n,
              'llm.cost_usd': 0.5,
            },
            service: 'gw',
          }),
          buildSpan({ startMs: 50, attributes: { 'plano.route.name': 'support', 'llm.model': 'gpt-4o' }, service: 'gw', durationMs: 90 }),
        ];
        await write(spans);
        return spans.map((s) => s.spanId);
      };

      it('filters by each field', async () => {
        const [gpt4o, claude, mini, embed, racto, plano] = await setup();
        const by = async (q: Partial<CallQuery>) =>
          spanIds((await calls({ ...q, orderBy: { field: 'timestamp', direction: 'asc' } })).items);
        expect(await by({ provider: 'anthropic' })).toEqual([claude]);
        expect(await by({ model: 'gpt-4o-mini-2024-07-18' })).toEqual([mini]);
        expect(await by({ model: 'gpt-4o-mini' })).toEqual([mini, racto]);
        expect(await by({ operation: 'embeddings' })).toEqual([embed]);
        expect(await by({ service: 'worker' })).toEqual([mini, embed]);
        expect(await by({ sessionId: 's1' })).toEqual([gpt4o]);
        expect(await by({ userId: 'bob' })).toEqual([claude]);
        expect(await by({ route: 'support' })).toEqual([plano]);
        expect(await by({ status: 'error' })).toEqual([mini]);
        expect((await by({ status: 'ok' })).length).toBe(5);
        expect(await by({ minCostUsd: 0.4 })).toEqual([racto]);
        expect(await by({ minDurationMs: 800 })).toEqual([gpt4o, mini]);
        expect(await by({ from: T0 + 10n * MS, to: T0 + 30n * MS })).toEqual([claude, mini]);
        expect(await by({ attributes: [{ target: 'span', key: 'tenant', op: 'eq', value: 'acme' }] })).toEqual([embed]);
        expect(await by({ attributes: [{ target: 'resource', key: 'service.name', op: 'eq', value: 'gw' }] })).toEqual([racto, plano]);
        const one = (await calls({ provider: 'anthropic' })).items[0] as StoredCall;
        expect(await by({ traceId: one.traceId })).toEqual([claude]);
        expect(await by({ project: 'other' })).toEqual([]);
      });

      it('orders by time, duration, cost, tokens or TTFT, unknown values last either way', async () => {
        const [gpt4o, claude, mini, embed, racto, plano] = await setup();
        expect(spanIds((await calls()).items)).toEqual([plano, racto, embed, mini, claude, gpt4o]);
        expect(spanIds((await calls({ orderBy: { field: 'duration', direction: 'desc' } })).items)).toEqual([
          gpt4o,
          mini,
          claude,
          racto,
          plano,
          embed,
        ]);
        const byCost = spanIds((await calls({ orderBy: { field: 'cost', direction: 'desc' } })).items);
        expect(byCost.slice(0, 2)).toEqual([racto, gpt4o]);
        expect(byCost[byCost.length - 1]).toBe(plano);
        expect(spanIds((await calls({ orderBy: { field: 'total_tokens', direction: 'desc' } })).items).slice(0, 2)).toEqual([gpt4o, mini]);
        // Cheapest or fastest first, or the other way: the calls that do not tell come last, not first.
        for (const [field, of] of [
          ['cost', (c: StoredCall) => c.costUsd],
          ['tokens_per_s', (c: StoredCall) => c.tokensPerS],
        ] as const)
          for (const direction of ['desc', 'asc'] as const) {
            const values = (await calls({ orderBy: { field, direction } })).items.map(of);
            const known = values.filter((v): v is number => v !== null);
            expect(known.length, field).toBeGreaterThanOrEqual(2);
            expect(known.length, field).toBeLessThan(values.length);
            expect(values, `${field} ${direction}`).toEqual([
              ...[...known].sort((a, b) => (direction === 'desc' ? b - a : a - b)),
              ...Array(values.length - known.length).fill(null),
            ]);
          }
      });

      it('walks every call once with limit and cursor', async () => {
        await setup();
        for (const orderBy of [
          { field: 'timestamp', direction: 'desc' },
          { field: 'cost', direction: 'asc' },
          { field: 'ttft', direction: 'desc' },
          { field: 'tokens_per_s', direction: 'asc' },
        ] as const) {
          const seen: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await calls({ limit: 4, cursor, orderBy });
            seen.push(...spanIds(page.items));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          expect(seen).toEqual(spanIds((await calls({ orderBy })).items));
          expect(new Set(seen).size).toBe(6);
        }
        const page = await calls({ limit: 1 });
        await expect(calls({ cursor: 'nope' })).rejects.toThrow(InvalidCursorError);
        await expect(calls({ cursor: page.nextCursor as string, orderBy: { field: 'cost', direction: 'desc' } })).rejects.toThrow(
          InvalidCursorError,
        );
      });
    });
  });

  describe('sessions', () => {
    it('lists sessions with their traces, calls, tokens, cost and users, and shows one as a conversation', async () => {
      const t1 = llmSpan({ startMs: 0, session: 'conv-1', user: 'ann', input: 100, output: 10 });
      const t2 = llmSpan({ startMs: 1000, session: 'conv-1', user: 'bob', input: 200, output: 20, status: 'error' });
      const t2b = llmSpan({ traceId: t2.traceId, startMs: 1500, model: 'gpt-4o', input: 1, output: 1 });
      const t3 = llmSpan({ startMs: 5000, session: 'conv-2', user: 'ann', model: 'unknown-model', input: 5, output: 5 });
      const none = llmSpan({ startMs: 6000, input: 1, output: 1 });
      await write([t1, t2, t2b, t3, none]);
      const page = await sessions();
      expect(page.items.map((s) => s.sessionId)).toEqual(['conv-2', 'conv-1']);
      const conv1 = page.items[1];
      expect(conv1).toMatchObject({
        project: 'default',
        sessionId: 'conv-1',
        firstSeenUnixNano: t1.startTimeUnixNano,
        lastSeenUnixNano: t2b.endTimeUnixNano,
        traceCount: 2,
        callCount: 3,
        errorCount: 1,
        inputTokens: 301,
        outputTokens: 31,
        totalTokens: 332,
        users: ['ann', 'bob'],
      });
      expect(conv1?.costUsd).toBeGreaterThan(0);
      expect(page.items[0]).toMatchObject({ sessionId: 'conv-2', costUsd: null, callCount: 1 });
      expect((await sessions({ userId: 'bob' })).items.map((s) => s.sessionId)).toEqual(['conv-1']);
      expect((await sessions({ from: T0 + 4000n * MS })).items.map((s) => s.sessionId)).toEqual(['conv-2']);
      expect((await sessions({ to: T0 + 1n * MS })).items.map((s) => s.sessionId)).toEqual(['conv-1']);
      expect((await sessions({ orderBy: { field: 'call_count', direction: 'desc' } })).items[0]?.sessionId).toBe('conv-1');
      const first = await sessions({ limit: 1 });
      const second = await sessions({ limit: 1, cursor: first.nextCursor as string });
      expect([...first.items, ...second.items].map((s) => s.sessionId)).toEqual(['conv-2', 'conv-1']);
      expect(second.nextCursor).toBeNull();
      // By cost either way, the unpriced session comes last, page by page too.
      for (const direction of ['asc', 'desc'] as const) {
        const byCost = await sessions({ limit: 1, orderBy: { field: 'cost', direction } });
        const rest = await sessions({ limit: 1, orderBy: { field: 'cost', direction }, cursor: byCost.nextCursor as string });
        expect([...byCost.items, ...rest.items].map((s) => s.sessionId)).toEqual(['conv-1', 'conv-2']);
      }

      const detail = await getStore().calls.getSession({ project: 'default', sessionId: 'conv-1' });
      expect(detail?.summary).toEqual(conv1);
      expect(detail?.traces.map((t) => t.traceId)).toEqual([t1.traceId, t2.traceId]);
      expect(detail?.calls.map((c) => c.spanId)).toEqual([t1.spanId, t2.spanId, t2b.spanId]);
      expect(await getStore().calls.getSession({ project: 'default', sessionId: 'nope' })).toBeNull();
      expect((await sessions({ project: 'other' })).items).toEqual([]);
    });

    it('counts a call that names no session or user as its trace’s, in lists and sums alike, whichever arrives first', async () => {
      for (const embeddingFirst of [true, false]) {
        // An agent's turn: the chat call names the session and user, the embedding call beside it neither.
        const session = `inherit-${embeddingFirst}`;
        const chat = llmSpan({ startMs: 0, session, user: `u-${embeddingFirst}`, model: 'gpt-4o', input: 100, output: 10 });
        const embed = llmSpan({ traceId: chat.traceId, startMs: 500, operation: 'embeddings', model: 'text-embedding-3-small', input: 40 });
        await write([embeddingFirst ? embed : chat]);
        await write([embeddingFirst ? chat : embed]);
        const both = [chat.spanId, embed.spanId];
        const detail = await getStore().calls.getSession({ project: 'default', sessionId: session });
        expect(detail?.summary.callCount).toBe(2);
        expect(detail?.calls.map((c) => c.spanId)).toEqual(both);
        expect(spanIds((await calls({ sessionId: session })).items).sort()).toEqual([...both].sort());
        expect(spanIds((await calls({ userId: `u-${embeddingFirst}` })).items).sort()).toEqual([...both].sort());
        // Filtered (read from the calls) and over the whole project (read from rollups, where a store keeps them).
        const bySession = await metrics({ groupBy: 'session', traceId: chat.traceId });
        expect(bySession.groups.map((g) => [g.key, g.calls])).toEqual([[session, 2]]);
        expect((await metrics({ groupBy: 'session' })).groups.find((g) => g.key === session)?.calls).toBe(2);
        const byUser = await metrics({ groupBy: 'user', sessionId: session });
        expect(byUser.groups.map((g) => [g.key, g.calls])).toEqual([[`u-${embeddingFirst}`, 2]]);
        expect((await metrics({ groupBy: 'user' })).groups.find((g) => g.key === `u-${embeddingFirst}`)?.calls).toBe(2);
      }
    });

    it('moves a call that took its trace’s session to the earlier call’s session when that one arrives', async () => {
      // An embedding call and a chat call naming session A; then an earlier chat call naming B.
      const embed = llmSpan({ startMs: 0, operation: 'embeddings', model: 'text-embedding-3-small', input: 40 });
      const a = llmSpan({ traceId: embed.traceId, startMs: 500, session: 'owner-a', user: 'ua', model: 'gpt-4o', input: 10, output: 1 });
      const b = llmSpan({ traceId: embed.traceId, startMs: 100, session: 'owner-b', user: 'ub', model: 'gpt-4o', input: 20, output: 2 });
      await write([embed, a]);
      expect((await calls({ traceId: embed.traceId })).items.find((c) => c.spanId === embed.spanId)).toMatchObject({
        sessionId: 'owner-a',
        userId: 'ua',
      });
      await write([b]);
      const all = (await calls({ traceId: embed.traceId })).items;
      const of = (s: Span) => all.find((c) => c.spanId === s.spanId);
      expect([of(embed), of(a), of(b)].map((c) => [c?.sessionId, c?.userId])).toEqual([
        ['owner-b', 'ub'],
        ['owner-a', 'ua'],
        ['owner-b', 'ub'],
      ]);
      const bySession = (await metrics({ groupBy: 'session' })).groups.map((g) => [g.key, g.calls]);
      expect(bySession).toEqual(
        expect.arrayContaining([
          ['owner-b', 2],
          ['owner-a', 1],
        ]),
      );
      expect(bySession.map((g) => g[0])).not.toContain(null);
      expect((await metrics({ groupBy: 'user' })).groups.map((g) => [g.key, g.calls])).toEqual(
        expect.arrayContaining([
          ['ub', 2],
          ['ua', 1],
        ]),
      );
    });

    it('walks every session once with limit and cursor, under any order, ties included', async () => {
      // Twelve sessions: call counts 1-3 and costs repeat, so every order has ties to break.
      const spans = Array.from({ length: 12 }, (_, i) =>
        Array.from({ length: (i % 3) + 1 }, (_, j) =>
          llmSpan({ startMs: i * 1000 + j * 10, session: `s-${i}`, model: i % 2 ? 'gpt-4o' : 'private-model', input: 100, output: 10 }),
        ),
      ).flat();
      await write(spans);
      const all = (await sessions({ limit: 100 })).items.map((s) => s.sessionId);
      expect(all).toHaveLength(12);
      for (const field of SESSION_ORDER_FIELDS)
        for (const direction of ['asc', 'desc'] as const) {
          const whole = (await sessions({ limit: 100, orderBy: { field, direction } })).items.map((s) => s.sessionId);
          const walked: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await sessions({ limit: 5, orderBy: { field, direction }, cursor });
            walked.push(...page.items.map((s) => s.sessionId));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          expect(walked, `${field} ${direction}`).toEqual(whole);
          expect(new Set(walked).size).toBe(12);
        }
    });

    it('sorts sessions by length, traces, tokens and failed calls; an unknown token count comes last either way', async () => {
      // long: two traces an hour apart; busy: three traces; wordy: the most tokens; failing: two
      // failed calls; quiet: calls that report no tokens.
      await write([
        llmSpan({ startMs: 0, session: 'long', input: 10, output: 1 }),
        llmSpan({ startMs: 3_600_000, session: 'long', input: 10, output: 1 }),
        ...[1, 2, 3].map((i) => llmSpan({ startMs: 1000 * i, session: 'busy', input: 20, output: 2 })),
        llmSpan({ startMs: 5000, session: 'wordy', input: 9000, output: 900 }),
        llmSpan({ startMs: 6000, session: 'failing', input: 40, output: 3, status: 'error' }),
        llmSpan({ startMs: 6100, session: 'failing', input: 40, output: 3, status: 'error' }),
        llmSpan({ startMs: 7000, session: 'quiet' }),
      ]);
      const order = async (field: SessionOrderField, direction: 'asc' | 'desc') =>
        (await sessions({ orderBy: { field, direction } })).items.map((s) => s.sessionId);
      expect((await order('duration', 'desc'))[0]).toBe('long');
      expect((await order('trace_count', 'desc'))[0]).toBe('busy');
      expect((await order('error_count', 'desc'))[0]).toBe('failing');
      expect(await order('total_tokens', 'desc')).toEqual(['wordy', 'failing', 'busy', 'long', 'quiet']);
      expect(await order('total_tokens', 'asc')).toEqual(['long', 'busy', 'failing', 'wordy', 'quiet']);
    });

    it('keeps the name and labels the app gave a session, from its calls, and filters by label', async () => {
      const label = (extra: Record<string, string>) =>
        Object.fromEntries(Object.entries(extra).map(([k, v]) => [`sightline.label.${k}`, v]));
      // The first trace names no session name; the second does, with a label the first did not have.
      const a = llmSpan({ startMs: 0, session: 'refund-1', input: 1, output: 1, extra: label({ team: 'billing' }) });
      const b = llmSpan({
        startMs: 1000,
        session: 'refund-1',
        input: 1,
        output: 1,
        extra: { 'sightline.session.name': 'Refund for order 1138', ...label({ team: 'support', tier: 'gold' }) },
      });
      const other = llmSpan({ startMs: 2000, session: 'chat-2', input: 1, output: 1, extra: label({ team: 'sales' }) });
      const plain = llmSpan({ startMs: 3000, session: 'plain-3', input: 1, output: 1 });
      await write([a]);
      await write([b, other, plain]);
      const bySession = new Map((await sessions()).items.map((s) => [s.sessionId, s]));
      // A label's first value stays; the name came with the second trace.
      expect(bySession.get('refund-1')).toMatchObject({ name: 'Refund for order 1138', labels: { team: 'billing', tier: 'gold' } });
      expect(bySession.get('chat-2')).toMatchObject({ name: null, labels: { team: 'sales' } });
      expect(bySession.get('plain-3')).toMatchObject({ name: null, labels: {} });
      expect((await sessions({ labels: [{ key: 'team', value: 'billing' }] })).items.map((s) => s.sessionId)).toEqual(['refund-1']);
      expect((await sessions({ labels: [{ key: 'team', value: 'support' }] })).items).toEqual([]);
      expect(
        (
          await sessions({
            labels: [
              { key: 'team', value: 'billing' },
              { key: 'tier', value: 'gold' },
            ],
          })
        ).items.map((s) => s.sessionId),
      ).toEqual(['refund-1']);
      const detail = await getStore().calls.getSession({ project: 'default', sessionId: 'refund-1' });
      expect(detail?.summary).toMatchObject({ name: 'Refund for order 1138', labels: { team: 'billing', tier: 'gold' } });
    });
  });

  describe('metrics', () => {
    const setup = async () => {
      const spans: Span[] = [];
      // 40 gpt-4o-mini calls in the first hour (durations 100..4000 ms), 10 claude calls in the second.
      for (let i = 1; i <= 40; i++)
        spans.push(
          llmSpan({ startMs: i * 1000, durationMs: i * 100, input: 100, output: 10, ttftS: i / 100, session: `s${i % 2}`, user: 'ann' }),
        );
      for (let i = 1; i <= 10; i++)
        spans.push(
          llmSpan({
            startMs: HOUR_MS + i * 1000,
            durationMs: 500,
            model: 'claude-sonnet-4-5',
            provider: 'anthropic',
            input: 1000,
            output: 100,
            status: i <= 2 ? 'error' : undefined,
            service: 'other',
          }),
        );
      spans.push(llmSpan({ startMs: HOUR_MS + 20_000, model: 'private-model', input: 1, output: 1 }));
      await write(spans);
    };

    it('aggregates calls, errors, tokens, cost and percentiles by model', async () => {
      await setup();
      const result = await metrics({ groupBy: 'model' });
      expect(result.groups.map((g) => [g.key, g.calls])).toEqual([
        ['gpt-4o-mini', 40],
        ['claude-sonnet-4-5', 10],
        ['private-model', 1],
      ]);
      const mini = result.groups[0];
      expect(mini).toMatchObject({ errors: 0, inputTokens: 4000, outputTokens: 400, totalTokens: 4400, unpricedCalls: 0 });
      expect(mini?.costUsd).toBeCloseTo(40 * (100 * 0.15e-6 + 10 * 0.6e-6), 10);
      const near = (got: number | null | undefined, want: number) =>
        expect(Math.abs((got as number) - want) / want).toBeLessThanOrEqual(0.011);
      near(mini?.latencyMs.p50, 2000);
      near(mini?.latencyMs.p95, 3800);
      near(mini?.latencyMs.p99, 4000);
      near(mini?.ttftMs.p50, 200);
      expect(mini?.tokensPerS.p50).toBeGreaterThan(0);
      expect(result.groups[1]).toMatchObject({ errors: 2, inputTokens: 10_000 });
      expect(result.groups[2]).toMatchObject({ costUsd: null, unpricedCalls: 1, ttftMs: { p50: null, p95: null } });
      expect(result.total).toMatchObject({ key: null, calls: 51, errors: 2, inputTokens: 14_001 });
    });

    it('groups by hour and day, provider, service, session and user', async () => {
      await setup();
      const hours = await metrics({ groupBy: 'hour' });
      const h0 = T0 - (T0 % 3_600_000_000_000n);
      expect(hours.groups.map((g) => [g.key, g.calls])).toEqual([
        [String(h0), 40],
        [String(h0 + 3_600_000_000_000n), 11],
      ]);
      expect((await metrics({ groupBy: 'day' })).groups.map((g) => g.calls)).toEqual([51]);
      expect((await metrics({ groupBy: 'provider' })).groups.map((g) => [g.key, g.calls])).toEqual([
        ['openai', 41],
        ['anthropic', 10],
      ]);
      expect((await metrics({ groupBy: 'service' })).groups.map((g) => [g.key, g.calls])).toEqual([
        ['svc', 41],
        ['other', 10],
      ]);
      expect((await metrics({ groupBy: 'session' })).groups.map((g) => [g.key, g.calls])).toEqual([
        ['s0', 20],
        ['s1', 20],
        [null, 11],
      ]);
      expect((await metrics({ groupBy: 'user', limit: 1 })).groups).toHaveLength(1);
    });

    it('filters like the call list, including time ranges that cut hours', async () => {
      await setup();
      expect((await metrics({ provider: 'anthropic' })).total.calls).toBe(10);
      expect((await metrics({ model: 'claude-sonnet-4-5', status: 'error' })).total.calls).toBe(2);
      expect((await metrics({ sessionId: 's1' })).total.calls).toBe(20);
      expect((await metrics({ from: T0 + 10_500n * MS, to: T0 + BigInt(HOUR_MS + 5_500) * MS })).total.calls).toBe(35);
      expect((await metrics({ service: 'other', groupBy: 'model' })).groups.map((g) => g.key)).toEqual(['claude-sonnet-4-5']);
      expect((await metrics({ project: 'other' })).total.calls).toBe(0);
      expect((await metrics({ project: 'other' })).total.latencyMs.p50).toBeNull();
    });
  });

  describe('logs', () => {
    it('stores log records once and attaches content events to their span’s call', async () => {
      const span = llmSpan({ input: 12, output: 3 });
      const logs = [
        logRecord(span, 'gen_ai.user.message', attrs({ content: 'Where is my order?' }), 1n),
        logRecord(span, 'gen_ai.choice', attrs({ index: 0n, finish_reason: 'stop', message: attrs({ content: 'It ships today.' }) }), 2n),
      ];
      const first = await write([span], 'default', logs);
      expect(first.logsStored).toBe(2);
      const retry = await getStore().writer.write([{ project: 'default', spans: [], logs }]);
      expect(retry.logsStored).toBe(0);
      const found = await getStore().calls.findLogs({ project: 'default', traceId: span.traceId });
      expect(found.map((l) => l.eventName)).toEqual(['gen_ai.user.message', 'gen_ai.choice']);
      expect(found[0]).toMatchObject({ project: 'default', spanId: span.spanId, body: attrs({ content: 'Where is my order?' }) });
      expect(await getStore().calls.findLogs({ project: 'other', traceId: span.traceId })).toEqual([]);
      const call = await getStore().calls.getCall({ project: 'default', spanId: span.spanId });
      expect(call?.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }]);
      expect(call?.outputMessages).toEqual([
        { role: 'assistant', parts: [{ type: 'text', content: 'It ships today.' }], finishReason: 'stop' },
      ]);
      expect(call?.finishReasons).toEqual(['stop']);
    });

    it('gives records of one time in the order they were written, within a request and across requests', async () => {
      const span = llmSpan({ input: 1, output: 1 });
      const at = (name: string) => logRecord(span, name, attrs({ content: name }), 5n);
      await write([span], 'default', [at('gen_ai.system.message'), at('gen_ai.user.message')]);
      await getStore().writer.write([{ project: 'default', spans: [], logs: [at('gen_ai.choice')] }]);
      const found = await getStore().calls.findLogs({ project: 'default', traceId: span.traceId });
      expect(found.map((l) => l.eventName)).toEqual(['gen_ai.system.message', 'gen_ai.user.message', 'gen_ai.choice']);
    });
  });

  describe('repricing', () => {
    it('reprices every call and every total that includes it; source costs stay unless overridden', async () => {
      const a = llmSpan({ model: 'gpt-4o', input: 1_000_000, output: 0, session: 'p', startMs: 0 });
      const b = buildSpan({
        startMs: 10,
        attributes: {
          'llm.operation': 'chat',
          'llm.model': 'my-model',
          'llm.input_tokens': 10n,
          'llm.output_tokens': 1n,
          'llm.cost_usd': 0.25,
        },
      });
      await write([a, b]);
      const before = await metrics();
      // gpt-4o cost $5 per 1M input tokens until 2024-10-02; these calls are from May 2024.
      expect(before.total.costUsd).toBeCloseTo(5 + 0.25, 9);
      const overrides = new PriceTable({ entries: [{ model: 'gpt-4o', platform: null, mode: 'chat', from: null, input: 1, output: 1 }] });
      const withOverrides = new Pricer(builtInPrices(), overrides);
      expect(await repricerOf(getStore()).repriceCalls((c) => withOverrides.price(c))).toEqual({ calls: 2, changed: 1 });
      const after = await calls({ orderBy: { field: 'timestamp', direction: 'asc' } });
      expect(after.items[0]).toMatchObject({ costUsd: 1, costSource: 'override' });
      expect(after.items[1]).toMatchObject({ costUsd: 0.25, costSource: 'source', sourceCostUsd: 0.25 });
      expect((await metrics()).total.costUsd).toBeCloseTo(1.25, 9);
      expect((await metrics({ groupBy: 'model' })).groups.find((g) => g.key === 'gpt-4o')?.costUsd).toBeCloseTo(1, 9);
      const trace = await getStore().reader.getTrace({ project: 'default', traceId: a.traceId });
      expect(trace?.summary.costUsd).toBeCloseTo(1, 9);
      expect((await sessions()).items[0]?.costUsd).toBeCloseTo(1, 9);
      // Back to the table: nothing else changes, and a second run changes nothing.
      expect(await repricerOf(getStore()).repriceCalls((c) => pricer.price(c))).toEqual({ calls: 2, changed: 1 });
      expect(await repricerOf(getStore()).repriceCalls((c) => pricer.price(c))).toEqual({ calls: 2, changed: 0 });
      expect((await metrics()).total.costUsd).toBeCloseTo(5.25, 9);
    });
  });

  describe('expiry of calls', () => {
    it('takes expired traces’ calls out of lists, sessions and metrics', async () => {
      const keep = llmSpan({ session: 'x', input: 1, output: 1 });
      const gone = llmSpan({ session: 'x', input: 2, output: 2 });
      await getStore().writer.write([
        { project: 'default', spans: [keep], calls: ingestCalls([keep]) },
        { project: 'default', spans: [gone], calls: ingestCalls([gone]), expiresAtUnixNano: 1000n },
      ]);
      expect((await sessions()).items[0]).toMatchObject({ traceCount: 2, callCount: 2, inputTokens: 3 });
      await purgerOf(getStore()).deleteExpired(1000n);
      expect(spanIds((await calls()).items)).toEqual([keep.spanId]);
      expect((await metrics()).total.calls).toBe(1);
      expect((await sessions()).items[0]).toMatchObject({ traceCount: 1, callCount: 1, inputTokens: 1 });
    });
  });
}

import { setSession, setUser } from '@arizeai/openinference-core';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOpenAiScript, MOCK_ANSWER, type MockOpenAi, OPENAI_SCRIPT_CALLS, startMockOpenAi } from '../../../testing/mock-openai.js';
import { exporterFor, sdkProvider } from './support/otel-clients.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

/**
 * The official `openai` client, instrumented by `@arizeai/openinference-instrumentation-openai`,
 * calling a mock OpenAI server; spans go through the OTLP/gRPC exporter into a running Sightline.
 */
let sl: TestServer;
let mock: MockOpenAi;
let calls: Record<string, any>[];
let traces: Record<string, any>[];

beforeAll(async () => {
  sl = await startTestServer();
  mock = await startMockOpenAi();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = sdkProvider(exporterFor('grpc', sl), 'js-openinference-app');
  const instrumentation = new OpenAIInstrumentation({ tracerProvider });
  instrumentation.manuallyInstrument(OpenAI);
  const client = new OpenAI({ baseURL: mock.url, apiKey: 'test-key', maxRetries: 0 });
  const tracer = tracerProvider.getTracer('js-openinference-app');

  // The calls run inside an agent span, in a session and for a user set the OpenInference way.
  const inSession = setUser(setSession(context.active(), { sessionId: 'oi-session' }), { userId: 'oi-user' });
  await tracer.startActiveSpan('agent.run', {}, inSession, async (root) => {
    await callOpenAiScript(client, 'chat');
    root.end();
  });
  await tracerProvider.forceFlush();
  await tracerProvider.shutdown();
  calls = (await getJson(sl.api, '/api/llm-calls?order_by=timestamp:asc')).body.data;
  traces = (await getJson(sl.api, '/api/traces')).body.data;
});

afterAll(async () => {
  await mock?.close();
  await sl?.stop();
});

describe('@arizeai/openinference-instrumentation-openai through the official gRPC exporter', () => {
  it('records the calls under the agent span (a failed call leaves no span in this instrumentation)', () => {
    expect(calls.map((c) => [c.operation, c.request_model ?? c.model])).toEqual(OPENAI_SCRIPT_CALLS.slice(0, 4));
    expect(new Set(calls.map((c) => c.vocabulary))).toEqual(new Set(['openinference']));
    expect(new Set(calls.map((c) => c.trace_id)).size).toBe(1);
    expect(traces[0]).toMatchObject({
      root_span_name: 'agent.run',
      llm_call_count: 4,
      input_tokens: 24 + 24,
      output_tokens: 8 + 8,
      session_id: 'oi-session',
      user_id: 'oi-user',
    });
  });

  it('reads tokens including cached ones, the served model, parameters and messages', () => {
    const [chat] = calls;
    expect(chat).toMatchObject({
      provider: 'openai',
      request_model: 'gpt-4o-mini',
      model: 'gpt-4o-mini-2024-07-18',
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      cache_read_tokens: 16,
      finish_reasons: ['stop'],
      parameters: { temperature: 0.2 },
      output_messages: [{ role: 'assistant', parts: [{ type: 'text', content: MOCK_ANSWER }] }],
    });
    // 8 uncached and 16 cached input tokens, 8 output tokens.
    expect(chat?.cost_usd).toBeCloseTo(8 * 0.15e-6 + 16 * 0.075e-6 + 8 * 0.6e-6, 12);
    expect(chat?.cost_breakdown.cache_read).toBeCloseTo(16 * 0.075e-6, 12);
    expect(chat?.input_messages?.[0]).toEqual({ role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] });
  });

  it('marks the streamed call streaming and leaves unknown what the instrumentation does not record', () => {
    const streamed = calls[1];
    expect(streamed).toMatchObject({ is_streaming: true, ttft_ms: null, input_tokens: null, output_tokens: null, cost_usd: null });
    expect(streamed?.output_messages?.[0]?.parts?.[0]?.content).toBe(MOCK_ANSWER);
  });

  it('puts the calls, the trace and the session together', async () => {
    expect(new Set(calls.map((c) => c.session_id))).toEqual(new Set(['oi-session']));
    expect(new Set(calls.map((c) => c.user_id))).toEqual(new Set(['oi-user']));
    const { body } = await getJson(sl.api, '/api/sessions/oi-session');
    expect(body.session).toMatchObject({ trace_count: 1, call_count: 4, users: ['oi-user'] });
    expect(body.calls).toHaveLength(4);
  });

  it('reads the tool call and the embeddings call', () => {
    expect(calls[2]).toMatchObject({ tool_call_count: 1, finish_reasons: ['tool_calls'] });
    expect(calls[2]?.tool_calls).toEqual([{ id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }]);
    expect(calls[3]).toMatchObject({ operation: 'embeddings', model: 'text-embedding-3-small' });
  });
});

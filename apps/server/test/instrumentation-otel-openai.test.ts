import { createRequire } from 'node:module';
import { context } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOpenAiScript, MOCK_ANSWER, type MockOpenAi, OPENAI_SCRIPT_CALLS, startMockOpenAi } from '../../../testing/mock-openai.js';
import { logExporterFor, logProvider } from './support/log-clients.js';
import { exporterFor, sdkProvider } from './support/otel-clients.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

/**
 * The official `openai` client, instrumented by `@opentelemetry/instrumentation-openai`,
 * calling a mock OpenAI server; spans go through the OTLP/HTTP protobuf exporter and the
 * content events through the OTLP/gRPC log exporter into a running Sightline.
 */
let sl: TestServer;
let mock: MockOpenAi;
let calls: Record<string, any>[];

beforeAll(async () => {
  sl = await startTestServer();
  mock = await startMockOpenAi();
  process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = sdkProvider(exporterFor('proto', sl), 'js-otel-openai-app');
  const loggerProvider = logProvider(logExporterFor('grpc', sl), 'js-otel-openai-app');
  logs.setGlobalLoggerProvider(loggerProvider);
  registerInstrumentations({ instrumentations: [new OpenAIInstrumentation()], tracerProvider, loggerProvider });
  // The instrumentation patches the CommonJS module as it is required.
  const { OpenAI } = createRequire(import.meta.url)('openai') as typeof import('openai');
  const client = new OpenAI({ baseURL: mock.url, apiKey: 'test-key', maxRetries: 0 });

  expect(await callOpenAiScript(client, 'stream')).toBe(MOCK_ANSWER);

  await tracerProvider.forceFlush();
  await loggerProvider.forceFlush();
  await tracerProvider.shutdown();
  await loggerProvider.shutdown();
  calls = (await getJson(sl.api, '/api/llm-calls?order_by=timestamp:asc')).body.data;
});

afterAll(async () => {
  await mock?.close();
  await sl?.stop();
});

describe('@opentelemetry/instrumentation-openai through the official exporters', () => {
  it('records one call per client call', () => {
    expect(calls.map((c) => [c.operation, c.request_model])).toEqual(OPENAI_SCRIPT_CALLS);
    expect(new Set(calls.map((c) => c.vocabulary))).toEqual(new Set(['otel-genai']));
  });

  it('reads tokens, served model, finish reasons and cost of a plain call, and its messages from the log events', () => {
    const [chat] = calls;
    expect(chat).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      request_id: 'chatcmpl-1',
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      finish_reasons: ['stop'],
      is_error: false,
      service_name: 'js-otel-openai-app',
      cost_source: 'table',
    });
    expect(chat?.cost_usd).toBeCloseTo(24 * 0.15e-6 + 8 * 0.6e-6, 12);
    expect(chat?.input_messages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
    ]);
    expect(chat?.output_messages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: MOCK_ANSWER }], finish_reason: 'stop' }]);
  });

  it('reads a streamed call’s usage from the final chunk', () => {
    const streamed = calls[1];
    expect(streamed).toMatchObject({ input_tokens: 24, output_tokens: 8, finish_reasons: ['stop'] });
    expect(streamed?.output_messages?.[0]?.parts?.[0]?.content).toBe(MOCK_ANSWER);
  });

  it('reads a tool call from the choice event', () => {
    const tool = calls[2];
    expect(tool).toMatchObject({ model: 'gpt-4o-2024-07-18', finish_reasons: ['tool_calls'], tool_call_count: 1 });
    expect(tool?.tool_calls).toEqual([{ id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }]);
  });

  it('reads embeddings and the failed call', () => {
    expect(calls[3]).toMatchObject({ input_tokens: 5, output_tokens: null, total_tokens: 5 });
    expect(calls[3]?.cost_usd).toBeCloseTo(5 * 0.02e-6, 14);
    expect(calls[4]).toMatchObject({ is_error: true, input_tokens: null, cost_usd: null });
    expect(calls[4]?.error_type).toBe('RateLimitError');
  });
});

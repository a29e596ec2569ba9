import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MOCK_ANSWER, type MockOpenAi, startMockOpenAi } from '../../../testing/mock-openai.js';
import { init, type Sightline } from '../src/index.js';

/**
 * An app that already has its own tracer provider: `init()` joins it (no second provider),
 * patches the installed `openai` module (no `instrument()` call), and LLM spans nest under the
 * app's spans and reach both the app's exporter and Sightline's.
 */
let mock: MockOpenAi;
let sdk: Sightline;
const appExporter = new InMemorySpanExporter();

beforeAll(async () => {
  mock = await startMockOpenAi();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter)] }));
  sdk = init({ exporter: 'memory' });
});
afterAll(async () => {
  await sdk.shutdown();
  await mock.close();
});

it('joins the app’s tracer provider and patches the installed openai module (CommonJS and ESM copies)', async () => {
  expect(sdk.ownsProvider).toBe(false);
  expect(await sdk.ready).toEqual(expect.arrayContaining(['openai (CommonJS)', 'openai (ESM)']));
  const client = new OpenAI({ baseURL: mock.url, apiKey: 'k', maxRetries: 0 });
  const tracer = trace.getTracer('app');
  const answer = await tracer.startActiveSpan('GET /ask', async (http) => {
    const c = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    http.end();
    return c.choices[0]?.message.content;
  });
  expect(answer).toBe(MOCK_ANSWER);
  const appSpans = appExporter.getFinishedSpans();
  const http = appSpans.find((s) => s.name === 'GET /ask');
  const chat = appSpans.find((s) => s.name === 'chat gpt-4o-mini');
  expect(chat?.parentSpanContext?.spanId).toBe(http?.spanContext().spanId);
  // Content capture is off by default: no messages.
  expect(chat?.attributes['gen_ai.input.messages']).toBeUndefined();
  expect(chat?.attributes['gen_ai.usage.input_tokens']).toBe(24);
  // Sightline's exporter got the same spans, labels stamped for the app's exporter too.
  expect(sdk.memory?.spans.map((s) => s.name).sort()).toEqual(['GET /ask', 'chat gpt-4o-mini']);
  expect(http?.attributes['sightline.label.sightline_sdk_version']).toBe('0.1.0');
});

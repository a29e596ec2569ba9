import { ApiError, type CallableTool, GoogleGenAI } from '@google/genai';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { GEMINI_ANSWER, type MockGemini, startMockGemini } from '../../../testing/mock-gemini.js';
import { init, instrument, type Sightline, uninstrument } from '../src/index.js';

/** The official `@google/genai` client, patched by `init()`, against a mock Gemini API. */
let mock: MockGemini;
let sdk: Sightline;
let ai: GoogleGenAI;

beforeAll(async () => {
  mock = await startMockGemini({ firstChunkDelayMs: 60 });
  sdk = init({ exporter: 'memory', captureContent: true });
  expect(await sdk.ready).toContain('@google/genai (ESM)');
  ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: mock.url } });
});
afterAll(async () => {
  await sdk.shutdown();
  await mock.close();
});
beforeEach(() => sdk.memory?.clear());

const only = (): ReadableSpan => {
  const spans = sdk.memory?.spans ?? [];
  expect(spans).toHaveLength(1);
  return spans[0] as ReadableSpan;
};
const json = (span: ReadableSpan, key: string): unknown => JSON.parse(String(span.attributes[key]));

it('records generateContent: tokens with cache and thinking, parameters, messages', async () => {
  const response = await ai.models.generateContent({
    model: 'gemini-2.5-flash',
    contents: 'Capital of France?',
    config: { systemInstruction: 'Be brief.', temperature: 0.2, maxOutputTokens: 100, responseMimeType: 'application/json' },
  });
  expect(response.text).toBe(GEMINI_ANSWER);
  const span = only();
  expect(span.name).toBe('generate_content gemini-2.5-flash');
  expect(span.kind).toBe(SpanKind.CLIENT);
  expect(span.attributes).toMatchObject({
    'gen_ai.operation.name': 'generate_content',
    'gen_ai.provider.name': 'gcp.gemini',
    'gen_ai.request.model': 'gemini-2.5-flash',
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.max_tokens': 100,
    'gen_ai.output.type': 'json',
    'gen_ai.response.model': 'gemini-2.5-flash-001',
    'gen_ai.response.id': 'resp_g1',
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 40,
    'gen_ai.usage.cache_read.input_tokens': 16,
    'gen_ai.usage.output_tokens': 14,
    'gen_ai.usage.reasoning.output_tokens': 5,
    'server.address': '127.0.0.1',
  });
  expect(json(span, 'gen_ai.system_instructions')).toEqual([{ type: 'text', content: 'Be brief.' }]);
  expect(json(span, 'gen_ai.input.messages')).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] }]);
  expect(json(span, 'gen_ai.output.messages')).toEqual([
    { role: 'assistant', parts: [{ type: 'text', content: GEMINI_ANSWER }], finish_reason: 'stop' },
  ]);
});

it('records generateContentStream with TTFT, passing every chunk through', async () => {
  const stream = await ai.models.generateContentStream({
    model: 'models/gemini-2.5-flash',
    contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
  });
  let text = '';
  let chunks = 0;
  for await (const chunk of stream) {
    text += chunk.text ?? '';
    chunks++;
  }
  expect(text).toBe(GEMINI_ANSWER);
  expect(chunks).toBe(GEMINI_ANSWER.split(' ').length);
  const span = only();
  expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0.055);
  expect(span.attributes).toMatchObject({
    'gen_ai.request.model': 'gemini-2.5-flash',
    'gen_ai.request.stream': true,
    'gen_ai.usage.input_tokens': 40,
    'gen_ai.usage.output_tokens': 14,
    'gen_ai.response.finish_reasons': ['stop'],
  });
  expect(json(span, 'gen_ai.output.messages')).toEqual([
    { role: 'assistant', parts: [{ type: 'text', content: GEMINI_ANSWER }], finish_reason: 'stop' },
  ]);
});

it('records function calls in the output, and each turn of a chat', async () => {
  const chat = ai.chats.create({ model: 'gemini-2.5-flash-tool' });
  const first = await chat.sendMessage({ message: 'Weather in Paris?' });
  expect(first.functionCalls?.[0]?.name).toBe('get_weather');
  await chat.sendMessage({ message: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }] });
  const spans = sdk.memory?.spans ?? [];
  expect(spans).toHaveLength(2);
  expect(json(spans[0] as ReadableSpan, 'gen_ai.output.messages')).toEqual([
    {
      role: 'assistant',
      parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } }],
      finish_reason: 'tool_call',
    },
  ]);
  // The second turn sends the history: the question, the model's call, the tool's answer.
  expect(json(spans[1] as ReadableSpan, 'gen_ai.input.messages')).toEqual([
    { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    { role: 'assistant', parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', name: 'get_weather', response: { temp: 21 } }] },
  ]);
});

it('ends a stream’s span however the stream is read: next() by hand, or a loop left early', async () => {
  const raw = await ai.models.generateContentStream({
    model: 'gemini-2.5-flash',
    contents: 'hi',
    config: { automaticContinuation: false },
  });
  let text = '';
  for (let next = await raw.next(); !next.done; next = await raw.next()) text += next.value.text ?? '';
  expect(text).toBe(GEMINI_ANSWER);
  expect(only().attributes['gen_ai.usage.output_tokens']).toBe(14);

  sdk.memory?.clear();
  const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hi' });
  for await (const _ of stream) break;
  const span = only();
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
});

it('gives each request of automatic function calling its own span', async () => {
  const before = mock.requests.length;
  const weather: CallableTool = {
    tool: async () => ({ functionDeclarations: [{ name: 'get_weather', description: 'Weather in a city' }] }),
    callTool: async (calls) => calls.map((c) => ({ functionResponse: { name: c.name, response: { temp: 21 } } })),
  };
  await ai.models.generateContent({
    model: 'gemini-2.5-flash-tool',
    contents: 'Weather in Paris?',
    config: { tools: [weather], automaticFunctionCalling: { maximumRemoteCalls: 2 } },
  });
  const requests = mock.requests.length - before;
  expect(requests).toBeGreaterThanOrEqual(2);
  const spans = sdk.memory?.spans ?? [];
  expect(spans).toHaveLength(requests);
  // Each request after the first sends the history: the question, then the model's call and the tool's answer per round.
  const last = json(spans[spans.length - 1] as ReadableSpan, 'gen_ai.input.messages') as { role: string }[];
  expect(last.map((m) => m.role)).toEqual([
    'user',
    ...Array.from({ length: 2 * (requests - 1) }, (_, i) => (i % 2 ? 'tool' : 'assistant')),
  ]);
});

it('records embedContent as an embeddings call', async () => {
  const result = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['a', 'b'], config: { outputDimensionality: 4 } });
  expect(result.embeddings).toHaveLength(2);
  const span = only();
  expect(span.name).toBe('embeddings gemini-embedding-001');
  expect(span.attributes).toMatchObject({
    'gen_ai.operation.name': 'embeddings',
    'gen_ai.provider.name': 'gcp.gemini',
    'gen_ai.embeddings.dimension.count': 4,
  });
});

it('marks a failed call with the HTTP status and rethrows the client’s own error', async () => {
  const err = await ai.models.generateContent({ model: 'boom', contents: 'hi' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(429);
  const span = only();
  expect(span.status.code).toBe(SpanStatusCode.ERROR);
  expect(span.attributes['error.type']).toBe('429');
  expect(span.events.map((e) => e.name)).toContain('exception');
});

it('instrument(client) and uninstrument(): one span per call, none after', async () => {
  // Already patched on the prototype: instrumenting the instance adds nothing.
  instrument(ai);
  await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
  expect(sdk.memory?.spans).toHaveLength(1);
  uninstrument();
  sdk.memory?.clear();
  await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
  expect(sdk.memory?.spans).toHaveLength(0);
  const fresh = instrument(new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: mock.url } }));
  await fresh.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
  await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
  expect(sdk.memory?.spans).toHaveLength(1);
});

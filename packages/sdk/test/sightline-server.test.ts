import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, makeKey, startTestServer, type TestServer } from '../../../apps/server/test/support/test-server.js';
import { startMockAnthropic } from '../../../testing/mock-anthropic.js';
import { startMockGemini } from '../../../testing/mock-gemini.js';
import { MOCK_ANSWER, type MockOpenAi, startMockOpenAi } from '../../../testing/mock-openai.js';
import { type ExporterName, init, instrument, session, withSession } from '../src/index.js';

/**
 * The SDK exporting to a running Sightline over each OTLP transport; the LLM calls Sightline
 * derives carry the tokens, TTFT, cost, session, user and labels the app produced.
 */
let sl: TestServer;
let mock: MockOpenAi;

beforeAll(async () => {
  sl = await startTestServer();
  mock = await startMockOpenAi({ firstChunkDelayMs: 60 });
});
afterAll(async () => {
  await mock.close();
  await sl.stop();
});

describe.each(['otlp', 'otlp-json', 'otlp-grpc'] as ExporterName[])('to Sightline over %s', (exporter) => {
  it('gives calls with tokens, TTFT, cost, session, user and labels', async () => {
    const sdk = init({
      exporter,
      endpoint: exporter === 'otlp-grpc' ? `http://${sl.grpc}` : sl.otlpHttp,
      serviceName: `sdk-${exporter}`,
      labels: { transport: exporter.replace('-', '_') },
      autoInstrument: false,
      captureContent: true,
    });
    const client = instrument(new OpenAI({ baseURL: mock.url, apiKey: 'k', maxRetries: 0 }));
    await withSession({ sessionId: `conv-${exporter}`, name: 'Trip planning', userId: 'user-1', labels: { topic: 'travel' } }, async () => {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Capital of France? (cached)' }] });
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'Again?' }],
      });
      for await (const _ of stream);
    });
    await sdk.flush();
    await sdk.shutdown();

    const { body } = await getJson(sl.api, `/api/llm-calls?service=sdk-${exporter}&order_by=timestamp:asc`);
    expect(body.data).toHaveLength(2);
    const [plain, streamed] = body.data;
    for (const call of body.data) {
      expect(call).toMatchObject({
        vocabulary: 'otel-genai',
        provider: 'openai',
        request_model: 'gpt-4o-mini',
        model: 'gpt-4o-mini-2024-07-18',
        operation: 'chat',
        input_tokens: 24,
        output_tokens: 8,
        session_id: `conv-${exporter}`,
        user_id: 'user-1',
        cost_source: 'table',
        is_error: false,
      });
      expect(call.cost_usd).toBeGreaterThan(0);
    }
    expect(plain).toMatchObject({ cache_read_tokens: 16, ttft_ms: null, is_streaming: null });
    expect(streamed.is_streaming).toBe(true);
    expect(streamed.ttft_ms).toBeGreaterThanOrEqual(55);
    expect(streamed.ttft_ms).toBeLessThan(streamed.duration_ms);
    const detail = (await getJson(sl.api, `/api/llm-calls/${plain.span_id}`)).body;
    expect(detail.output_messages[0].parts[0].content).toBe(MOCK_ANSWER);
    const labelled = await getJson(sl.api, `/api/llm-calls?attr.sightline.label.transport=${exporter.replace('-', '_')}`);
    expect(labelled.body.data).toHaveLength(2);
    const session = (await getJson(sl.api, `/api/sessions/conv-${exporter}`)).body;
    expect(session.session).toMatchObject({
      call_count: 2,
      input_tokens: 48,
      users: ['user-1'],
      name: 'Trip planning',
    });
    // The session keeps the labels the app gave it (the session's and init()'s), not the SDK's
    // own sightline_* labels, which describe the process.
    expect(session.session.labels).toEqual({ topic: 'travel', transport: exporter.replace('-', '_') });
    const listed = await getJson(sl.api, `/api/sessions?label.transport=${exporter.replace('-', '_')}&label.topic=travel`);
    expect(listed.body.data.map((s: { session_id: string }) => s.session_id)).toEqual([`conv-${exporter}`]);
  });
});

it('Anthropic and Gemini calls reach Sightline with their cache, reasoning tokens and cost', async () => {
  const [anthropicMock, geminiMock] = await Promise.all([startMockAnthropic(), startMockGemini()]);
  const sdk = init({ endpoint: sl.otlpHttp, serviceName: 'sdk-providers', autoInstrument: false });
  try {
    const claude = instrument(new Anthropic({ baseURL: anthropicMock.url, apiKey: 'k', maxRetries: 0 }));
    const ai = instrument(new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: geminiMock.url } }));
    await session('conv-providers', async () => {
      await claude.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
      const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hi' });
      for await (const _ of stream);
    });
    await sdk.flush();
  } finally {
    await sdk.shutdown();
    await Promise.all([anthropicMock.close(), geminiMock.close()]);
  }
  const { body } = await getJson(sl.api, '/api/llm-calls?service=sdk-providers&order_by=timestamp:asc');
  // The Anthropic client adds a call span of its own under ours: Sightline counts the pair once.
  const counted = body.data.filter((c: { counted: boolean }) => c.counted);
  expect(counted).toHaveLength(2);
  const [anthropic, gemini] = counted;
  expect(anthropic).toMatchObject({
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    input_tokens: 150,
    cache_read_tokens: 100,
    cache_write_tokens: 30,
    output_tokens: 12,
    session_id: 'conv-providers',
    cost_source: 'table',
  });
  expect(gemini).toMatchObject({
    provider: 'gcp.gemini',
    operation: 'generate_content',
    request_model: 'gemini-2.5-flash',
    input_tokens: 40,
    cache_read_tokens: 16,
    output_tokens: 14,
    reasoning_tokens: 5,
    is_streaming: true,
    session_id: 'conv-providers',
    cost_source: 'table',
  });
  expect(gemini.ttft_ms).toBeGreaterThanOrEqual(35);
  for (const call of counted) expect(call.cost_usd).toBeGreaterThan(0);
});

describe('to a Sightline that requires keys', () => {
  it.each(['otlp', 'otlp-json', 'otlp-grpc'] as ExporterName[])(
    'sends apiKey over %s, so the calls land in the key’s project',
    async (exporter) => {
      const adminKey = 'admin-key-of-the-sdk-key-test';
      const secured = await startTestServer({ auth: 'on', adminKey });
      try {
        const { key } = await makeKey(secured.api, adminKey, 'sdk-app');
        const sdk = init({
          exporter,
          endpoint: exporter === 'otlp-grpc' ? `http://${secured.grpc}` : secured.otlpHttp,
          serviceName: `sdk-keyed-${exporter}`,
          apiKey: key,
          autoInstrument: false,
        });
        const client = instrument(new OpenAI({ baseURL: mock.url, apiKey: 'k', maxRetries: 0 }));
        await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
        await sdk.flush();
        await sdk.shutdown();
        const calls = await fetch(`${secured.api}/api/llm-calls?service=sdk-keyed-${exporter}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        const body = (await calls.json()) as { data: { model: string }[] };
        expect(body.data.map((c) => c.model)).toEqual(['gpt-4o-mini-2024-07-18']);
        const elsewhere = await fetch(`${secured.api}/api/llm-calls`, { headers: { authorization: `Bearer ${adminKey}` } });
        expect(((await elsewhere.json()) as { data: unknown[] }).data).toEqual([]);
      } finally {
        await secured.stop();
      }
    },
  );
});

import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MOCK_ANSWER, type MockOpenAi, startMockOpenAi } from '../../../testing/mock-openai.js';
import { init, instrument, observe, type Sightline, uninstrument, withSession } from '../src/index.js';

/**
 * The official `openai` client, instrumented with `instrument(client)`, against a mock OpenAI
 * server on 127.0.0.1; spans land in the memory exporter.
 */
let mock: MockOpenAi;
let sdk: Sightline;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockOpenAi({ firstChunkDelayMs: 60 });
  sdk = init({ exporter: 'memory', captureContent: true, autoInstrument: false, labels: { team: 'search' }, serviceName: 'sdk-test' });
  client = instrument(new OpenAI({ baseURL: mock.url, apiKey: 'test-key', maxRetries: 0 }));
});
afterAll(async () => {
  await sdk.shutdown();
  await mock.close();
});
beforeEach(() => sdk.memory?.clear());

const spans = (): readonly ReadableSpan[] => sdk.memory?.spans ?? [];
const only = (): ReadableSpan => {
  expect(spans()).toHaveLength(1);
  return spans()[0] as ReadableSpan;
};
const json = (v: unknown) => JSON.parse(String(v));

describe('openai chat completions', () => {
  it('records a plain chat in the GenAI conventions, with content, labels and the response untouched', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe(MOCK_ANSWER);
    const span = only();
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 24,
      'gen_ai.usage.output_tokens': 8,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'server.address': '127.0.0.1',
      'sightline.label.team': 'search',
      'sightline.label.sightline_sdk_version': '0.1.0',
    });
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeUndefined();
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
    ]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: MOCK_ANSWER }], finish_reason: 'stop' },
    ]);
    expect(span.resource.attributes['service.name']).toBe('sdk-test');
  });

  it('keeps openai’s APIPromise helpers working (withResponse, asResponse)', async () => {
    const { data, response, request_id } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(MOCK_ANSWER);
    expect(response.status).toBe(200);
    expect(request_id).toMatch(/^req_/);
    const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).asResponse();
    expect(((await raw.json()) as { id: string }).id).toBe('chatcmpl-1');
  });

  it('measures TTFT at the first content chunk of a stream, takes usage from the last chunk, and passes every chunk through', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'What is the capital of France? (cached)' }],
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(MOCK_ANSWER);
    expect(chunks).toBe(MOCK_ANSWER.split(/(?= )/).length + 3);
    const span = only();
    const ttft = span.attributes['gen_ai.response.time_to_first_chunk'] as number;
    const duration = span.duration[0] + span.duration[1] / 1e9;
    expect(ttft).toBeGreaterThanOrEqual(0.055);
    expect(ttft).toBeLessThan(duration);
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 24,
      'gen_ai.usage.output_tokens': 8,
      'gen_ai.usage.cache_read.input_tokens': 16,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts).toEqual([{ type: 'text', content: MOCK_ANSWER }]);
  });

  it('ends the span when the caller stops reading a stream early', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    for await (const _chunk of stream) break;
    const span = only();
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records tool calls and a JSON response format', async () => {
    await client.chat.completions.create({
      model: 'gpt-4o',
      response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      ],
    });
    const span = only();
    expect(span.attributes['gen_ai.output.type']).toBe('json');
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts).toEqual([
      { type: 'tool_call', id: 'call_abc', name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
  });

  it('marks a failed call ERROR with the provider’s error class, records the exception, and rethrows the same error', async () => {
    const err = await client.chat.completions
      .create({ model: 'boom', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).status).toBe(429);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('RateLimitError');
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(String(span.events[0]?.attributes?.['exception.message'])).toContain('Rate limit reached');
  });
});

describe('openai responses and embeddings', () => {
  it('records a Responses API call', async () => {
    const response = await client.responses.create({ model: 'gpt-4o-mini', instructions: 'Be terse.', input: 'Capital of France?' });
    expect(response.output_text).toBe(MOCK_ANSWER);
    const span = only();
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'resp_1',
      'gen_ai.usage.input_tokens': 24,
      'gen_ai.usage.output_tokens': 8,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(json(span.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Be terse.' }]);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] },
    ]);
  });

  it('records a streamed Responses API call with TTFT', async () => {
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Capital of France?', stream: true });
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe(MOCK_ANSWER);
    const span = only();
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0.055);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(8);
  });

  it('records embeddings', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(result.data).toHaveLength(2);
    const span = only();
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes['gen_ai.operation.name']).toBe('embeddings');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(10);
  });
});

describe('sessions and observe()', () => {
  it('puts the session, user and scoped labels on every span inside, provider calls included', async () => {
    await withSession({ sessionId: 'conv-1', userId: 'user-9', labels: { tier: 'pro' } }, () =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(only().attributes).toMatchObject({
      'gen_ai.conversation.id': 'conv-1',
      'session.id': 'conv-1',
      'user.id': 'user-9',
      'sightline.label.tier': 'pro',
      'sightline.label.team': 'search',
    });
  });

  it('nests observed functions and provider calls by async context, with inputs and outputs', async () => {
    const lookup = observe(async (city: string) => `sunny in ${city}`, { name: 'get_weather', kind: 'tool' });
    const agent = observe(
      async (question: string) => {
        const weather = await lookup('Paris');
        const c = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `${question} ${weather}` }],
        });
        return c.choices[0]?.message.content;
      },
      { name: 'planner', kind: 'agent' },
    );
    expect(await agent('Weather?')).toBe(MOCK_ANSWER);
    const byName = new Map(spans().map((s) => [s.name, s]));
    const root = byName.get('planner') as ReadableSpan;
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'input.value': 'Weather?',
      'output.value': MOCK_ANSWER,
    });
    for (const child of ['get_weather', 'chat gpt-4o-mini']) {
      const s = byName.get(child) as ReadableSpan;
      expect(s.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(s.spanContext().traceId).toBe(root.spanContext().traceId);
    }
    expect(byName.get('get_weather')?.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'output.value': 'sunny in Paris',
    });
  });

  it('observes sync functions, async generators and failures', async () => {
    const add = observe((a: number, b: number) => a + b, { name: 'add' });
    expect(add(2, 3)).toBe(5);
    const gen = observe(
      async function* words() {
        yield 'a';
        yield 'b';
      },
      { name: 'words' },
    );
    const seen: string[] = [];
    for await (const w of gen()) seen.push(w);
    expect(seen).toEqual(['a', 'b']);
    const bad = observe(
      async () => {
        throw new TypeError('nope');
      },
      { name: 'bad', kind: 'guardrail' },
    );
    await expect(bad()).rejects.toThrow('nope');
    const byName = new Map(spans().map((s) => [s.name, s]));
    expect(byName.get('add')?.attributes['output.value']).toBe('5');
    expect(byName.get('words')?.attributes['output.value']).toBe('["a","b"]');
    expect(byName.get('bad')?.status.code).toBe(SpanStatusCode.ERROR);
    expect(byName.get('bad')?.attributes['error.type']).toBe('TypeError');
  });
});

describe('uninstrument', () => {
  it('restores the client’s methods: calls go through, without spans', async () => {
    uninstrument();
    const c = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(c.choices[0]?.message.content).toBe(MOCK_ANSWER);
    expect(spans()).toHaveLength(0);
    instrument(client);
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(spans()).toHaveLength(1);
  });
});

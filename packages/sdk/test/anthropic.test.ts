import Anthropic from '@anthropic-ai/sdk';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ANTHROPIC_ANSWER, type MockAnthropic, startMockAnthropic } from '../../../testing/mock-anthropic.js';
import { init, type Sightline } from '../src/index.js';

/** The official `@anthropic-ai/sdk` client, patched by `init()`, against a mock Messages API. */
let mock: MockAnthropic;
let sdk: Sightline;
let client: Anthropic;

beforeAll(async () => {
  mock = await startMockAnthropic({ firstChunkDelayMs: 60 });
  sdk = init({ exporter: 'memory', captureContent: true });
  expect(await sdk.ready).toEqual(expect.arrayContaining(['@anthropic-ai/sdk (CommonJS)', '@anthropic-ai/sdk (ESM)']));
  client = new Anthropic({ baseURL: mock.url, apiKey: 'k', maxRetries: 0 });
});
afterAll(async () => {
  await sdk.shutdown();
  await mock.close();
});
beforeEach(() => sdk.memory?.clear());

/** Our span: the Anthropic client may add call spans of its own under it. */
const ours = (): ReadableSpan => {
  const mine = (sdk.memory?.spans ?? []).filter((s) => s.instrumentationScope.name === '@sightline/sdk');
  expect(mine).toHaveLength(1);
  return mine[0] as ReadableSpan;
};

it('records a message with cache read and write tokens, input counting them all', async () => {
  const message = await client.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 256,
    system: 'Be brief.',
    messages: [{ role: 'user', content: 'Capital of France?' }],
  });
  expect(message.content[0]).toMatchObject({ type: 'text', text: ANTHROPIC_ANSWER });
  const span = ours();
  expect(span.name).toBe('chat claude-sonnet-4-5');
  expect(span.attributes).toMatchObject({
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.max_tokens': 256,
    'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
    'gen_ai.response.finish_reasons': ['end_turn'],
    'gen_ai.usage.input_tokens': 150,
    'gen_ai.usage.cache_read.input_tokens': 100,
    'gen_ai.usage.cache_creation.input_tokens': 30,
    'gen_ai.usage.output_tokens': 12,
  });
  expect(JSON.parse(String(span.attributes['gen_ai.system_instructions']))).toEqual([{ type: 'text', content: 'Be brief.' }]);
});

it('records streams from create({ stream: true }) and from messages.stream(), with TTFT', async () => {
  const stream = await client.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 64,
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  });
  let text = '';
  for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  expect(text).toBe(ANTHROPIC_ANSWER);
  let span = ours();
  expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0.055);
  expect(span.attributes).toMatchObject({
    'gen_ai.request.stream': true,
    'gen_ai.usage.input_tokens': 150,
    'gen_ai.usage.output_tokens': 12,
  });
  expect(JSON.parse(String(span.attributes['gen_ai.output.messages']))[0].parts).toEqual([{ type: 'text', content: ANTHROPIC_ANSWER }]);

  sdk.memory?.clear();
  const final = await client.messages
    .stream({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] })
    .finalMessage();
  expect(final.content[0]).toMatchObject({ text: ANTHROPIC_ANSWER });
  span = ours();
  expect(span.attributes['gen_ai.usage.output_tokens']).toBe(12);
  expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
});

it('marks a failed call and rethrows the client’s own error', async () => {
  const err = await client.messages
    .create({ model: 'boom', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.RateLimitError);
  const span = ours();
  expect(span.status.code).toBe(SpanStatusCode.ERROR);
  expect(span.attributes['error.type']).toBe('RateLimitError');
});

it('leaves token counting alone', async () => {
  expect(typeof client.messages.countTokens).toBe('function');
  expect((client.messages.countTokens as unknown as Record<symbol, unknown>)[Symbol.for('sightline.sdk.wrapped')]).toBeUndefined();
});

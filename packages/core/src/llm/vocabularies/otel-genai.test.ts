import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCall } from '../../../../../testing/read-call.js';
import { recordSpans, type SpanHelpers } from '../../../../../testing/sdk-spans.js';
import { decodeTracesJson } from '../../otlp/decode-traces-json.js';

/** One span recorded with the OTel SDK, read as an LLM call. */
const one = async (attrs: Parameters<SpanHelpers['span']>[1], options: Parameters<SpanHelpers['span']>[2] = {}, name = 'chat gpt-4o') => {
  const [span] = await recordSpans((_t, h) => {
    h.span(name, attrs, options);
  });
  return readCall(span!);
};

describe('OpenTelemetry GenAI', () => {
  it('leaves out of tokens/s the reasoning a model does out of sight before its first token, not streamed thinking', async () => {
    // Gemini thinks 818 of its 834 output tokens before the first visible one (TTFT 4.55 s of 4.65 s).
    const streamed = (model: string) =>
      one(
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': model,
          'gen_ai.usage.input_tokens': 10,
          'gen_ai.usage.output_tokens': 834,
          'gen_ai.usage.reasoning.output_tokens': 818,
          'gen_ai.response.time_to_first_chunk': 4.55,
        },
        { durationMs: 4650 },
      );
    const gemini = await streamed('gemini-2.5-flash');
    expect(gemini?.reasoningTokens).toBe(818);
    expect(gemini?.tokensPerS).toBeCloseTo(16 / 0.1, 6);
    expect(gemini?.tptMs).toBeCloseTo(100 / 16, 6);
    expect(gemini?.provenance.tokensPerS?.rule).toBe('derived: (output - reasoning tokens) / (duration - ttft)');
    expect((await streamed('openai/o4-mini'))?.tokensPerS).toBeCloseTo(160, 6);
    // Claude streams its thinking: every output token came after the first.
    expect((await streamed('claude-sonnet-4-5'))?.tokensPerS).toBeCloseTo(834 / 0.1, 6);
  });

  it('reads the current conventions (v1.37+)', async () => {
    const call = await one(
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.response.id': 'chatcmpl-9',
        'gen_ai.request.temperature': 0.7,
        'gen_ai.request.max_tokens': 512,
        'gen_ai.request.stream': true,
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.usage.cache_read.input_tokens': 1000,
        'gen_ai.usage.cache_creation.input_tokens': 100,
        'gen_ai.usage.reasoning.output_tokens': 120,
        'gen_ai.response.time_to_first_chunk': 0.25,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.conversation.id': 'conv-1',
        'user.id': 'u-1',
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Weather?' }] }]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
            finish_reason: 'tool_call',
          },
        ]),
      },
      { durationMs: 2250 },
    );
    expect(call).toMatchObject({
      vocabulary: 'otel-genai',
      operation: 'chat',
      provider: 'openai',
      hostProvider: null,
      requestModel: 'gpt-4o',
      model: 'gpt-4o-2024-08-06',
      requestId: 'chatcmpl-9',
      isStreaming: true,
      inputTokens: 1200,
      outputTokens: 300,
      totalTokens: 1500,
      cacheReadTokens: 1000,
      cacheWriteTokens: 100,
      reasoningTokens: 120,
      ttftMs: 250,
      durationMs: 2250,
      finishReasons: ['stop'],
      toolCallCount: 1,
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
      sessionId: 'conv-1',
      userId: 'u-1',
      isError: false,
      inputMessages: [
        { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Weather?' }] },
      ],
    });
    expect(call?.tptMs).toBeCloseTo((2250 - 250) / 300, 6);
    expect(call?.tokensPerS).toBeCloseTo(300 / 2, 6);
    expect({ ...call?.parameters }).toEqual({ temperature: 0.7, max_tokens: 512n });
    expect(call?.provenance).toMatchObject({
      inputTokens: { vocabulary: 'otel-genai', rule: 'gen_ai.usage.input_tokens' },
      ttftMs: { rule: 'gen_ai.response.time_to_first_chunk' },
      totalTokens: { rule: 'derived: input + output tokens' },
    });
  });

  it('reads v1.26: gen_ai.system, prompt/completion tokens and content events', async () => {
    const call = await one(
      {
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-3.5-turbo',
        'gen_ai.usage.prompt_tokens': 40,
        'gen_ai.usage.completion_tokens': 12,
      },
      {
        events: [
          ['gen_ai.content.prompt', { 'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'Hi' }]) }],
          ['gen_ai.content.completion', { 'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'Hello!' }]) }],
        ],
      },
    );
    expect(call).toMatchObject({
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-3.5-turbo',
      model: null,
      inputTokens: 40,
      outputTokens: 12,
      totalTokens: 52,
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }] }],
    });
    expect(call?.provenance.operation?.rule).toMatch(/assumed/);
  });

  it('accepts every spelling of cache tokens, the newest first', async () => {
    const legacy = await one({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.cache_read_input_tokens': 7,
      'gen_ai.usage.cache_creation_input_tokens': 3,
    });
    expect(legacy).toMatchObject({ cacheReadTokens: 7, cacheWriteTokens: 3 });
    const newest = await one({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.cache_write.input_tokens': 5,
      'gen_ai.usage.cache_creation.input_tokens': 9,
    });
    expect(newest).toMatchObject({ cacheWriteTokens: 5 });
    expect(newest?.provenance.cacheWriteTokens?.rule).toBe('gen_ai.usage.cache_write.input_tokens');
  });

  it('leaves counts it was not given null, never 0', async () => {
    const call = await one({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' });
    expect(call).toMatchObject({
      inputTokens: null,
      outputTokens: null,
      totalTokens: null,
      ttftMs: null,
      tptMs: null,
      tokensPerS: null,
      cacheReadTokens: null,
    });
  });

  it('records a failed call with its error type and its HTTP status', async () => {
    const call = await one(
      { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'boom', 'error.type': 'RateLimitError' },
      { error: '429 Rate limit reached' },
    );
    expect(call).toMatchObject({ isError: true, errorType: 'RateLimitError', statusCode: 429 });
    expect(call?.provenance.statusCode?.rule).toBe('span status message');
  });

  it('keeps the 429 of the recorded OpenTelemetry OpenAI instrumentation body', () => {
    const body = readFileSync(
      new URL('../../../../../testing/fixtures/otlp/otel-genai-contrib/otel-genai.json.4.json', import.meta.url),
      'utf8',
    );
    const [span] = decodeTracesJson(body).spans;
    expect(readCall(span!)).toMatchObject({
      isError: true,
      errorType: 'RateLimitError',
      statusCode: 429,
      model: null,
      requestModel: 'boom',
    });
  });

  it('finds the HTTP status of a failed call in error.type, the exception event, or the error class', async () => {
    // The Google GenAI SDK's ApiError: error.type is the status itself.
    expect(await one({ 'gen_ai.operation.name': 'chat', 'error.type': '429' }, { error: 'Resource exhausted' })).toMatchObject({
      statusCode: 429,
      errorType: '429',
    });
    // The Python OpenAI SDK's message, on the exception event the instrumentation records.
    const py = await one(
      { 'gen_ai.operation.name': 'chat', 'error.type': 'openai.RateLimitError' },
      {
        error: 'RateLimitError',
        events: [
          [
            'exception',
            {
              'exception.type': 'openai.RateLimitError',
              'exception.message': "Error code: 429 - {'error': {'code': 'rate_limit_exceeded'}}",
            },
          ],
        ],
      },
    );
    expect(py).toMatchObject({ statusCode: 429 });
    expect(py?.provenance.statusCode?.rule).toBe('exception event exception.message');
    // Only the class says it: the SDKs raise RateLimitError for a 429 and nothing else.
    const byClass = await one({ 'gen_ai.operation.name': 'chat', 'error.type': 'RateLimitError' }, { error: 'Rate limit reached' });
    expect(byClass).toMatchObject({ statusCode: 429 });
    expect(byClass?.provenance.statusCode?.rule).toMatch(/^derived: error class RateLimitError/);
    // A call that succeeded after a retried exception has no error status.
    const retried = await one(
      { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.output_tokens': 3 },
      { events: [['exception', { 'exception.type': 'RateLimitError', 'exception.message': '429 Too Many Requests' }]] },
    );
    expect(retried).toMatchObject({ isError: false, statusCode: null });
  });

  it('derives time per token and tokens/s for a call without TTFT, taking TTFT as 0, and says so', async () => {
    const call = await one(
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 20,
        'gen_ai.usage.output_tokens': 50,
      },
      { durationMs: 2000 },
    );
    expect(call?.ttftMs).toBeNull();
    expect(call?.tptMs).toBeCloseTo(40, 9);
    expect(call?.tokensPerS).toBeCloseTo(25, 9);
    expect(call?.provenance.tptMs?.rule).toBe('derived: (duration - ttft) / output tokens (TTFT taken as 0: not given)');
    expect(call?.provenance.tokensPerS?.rule).toBe('derived: output tokens / (duration - ttft) (TTFT taken as 0: not given)');
  });

  it('reads gen_ai.client.operation.time_to_first_chunk in seconds', async () => {
    const call = await one({ 'gen_ai.operation.name': 'chat', 'gen_ai.client.operation.time_to_first_chunk': 0.42 });
    expect(call?.ttftMs).toBeCloseTo(420, 9);
    expect(call?.provenance.ttftMs?.rule).toBe('gen_ai.client.operation.time_to_first_chunk');
  });

  it('spells Gemini gcp.gemini, as the span and the API filter do, and tells providers by API host', async () => {
    expect(
      await one({
        'gen_ai.operation.name': 'generate_content',
        'gen_ai.provider.name': 'gcp.gemini',
        'gen_ai.request.model': 'gemini-2.5-flash',
      }),
    ).toMatchObject({ provider: 'gcp.gemini', hostProvider: null });
    expect(await one({ 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'google' })).toMatchObject({ provider: 'gcp.gemini' });
    const byHost = await one({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'tuned-7',
      'server.address': 'generativelanguage.googleapis.com',
    });
    expect(byHost).toMatchObject({ provider: 'gcp.gemini', hostProvider: null });
    expect(byHost?.provenance.provider?.rule).toBe('derived: server.address "generativelanguage.googleapis.com"');
    const azure = await one({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'server.address': 'contoso.openai.azure.com',
    });
    expect(azure).toMatchObject({ provider: 'openai', hostProvider: 'azure' });
  });

  it('takes the provider from gen_ai.provider.name over gen_ai.system, and spells vendors one way', async () => {
    expect(await one({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'x_ai', 'gen_ai.system': 'xai' })).toMatchObject({
      provider: 'x_ai',
    });
    expect(await one({ 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'mistralai' })).toMatchObject({ provider: 'mistral_ai' });
    const bedrock = await one({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': 'anthropic.claude-3-5-sonnet-20240620-v1:0',
    });
    expect(bedrock).toMatchObject({ provider: 'anthropic', hostProvider: 'aws.bedrock' });
    const azure = await one({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'azure.ai.openai' });
    expect(azure).toMatchObject({ provider: 'openai', hostProvider: 'azure' });
  });

  it('reads embeddings; agents and tools are not model calls', async () => {
    expect(
      await one({
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.request.model': 'text-embedding-3-small',
        'gen_ai.usage.input_tokens': 5,
      }),
    ).toMatchObject({
      operation: 'embeddings',
      inputTokens: 5,
      outputTokens: null,
      totalTokens: 5,
    });
    expect(await one({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.usage.input_tokens': 500 })).toBeNull();
    expect(await one({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' })).toBeNull();
  });

  it('reads the operation spellings instrumentations used before the conventions named them (Logfire: chat_completions)', async () => {
    for (const [op, operation] of [
      ['chat_completions', 'chat'],
      ['chat.completions', 'chat'],
      ['completions', 'text_completion'],
    ]) {
      expect(await one({ 'gen_ai.operation.name': op, 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 3 })).toMatchObject({
        operation,
        inputTokens: 3,
      });
    }
  });

  it('reads messages given as structured values as well as JSON text', () => {
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  name: 'chat gpt-4o',
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: '1700000001000000000',
                  attributes: [
                    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                    {
                      key: 'gen_ai.input.messages',
                      value: {
                        arrayValue: {
                          values: [
                            {
                              kvlistValue: {
                                values: [
                                  { key: 'role', value: { stringValue: 'user' } },
                                  {
                                    key: 'parts',
                                    value: {
                                      arrayValue: {
                                        values: [
                                          {
                                            kvlistValue: {
                                              values: [
                                                { key: 'type', value: { stringValue: 'text' } },
                                                { key: 'content', value: { stringValue: 'structured hello' } },
                                              ],
                                            },
                                          },
                                        ],
                                      },
                                    },
                                  },
                                ],
                              },
                            },
                          ],
                        },
                      },
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const [span] = decodeTracesJson(body).spans;
    expect(readCall(span!)?.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'structured hello' }] }]);
  });

  it('ignores spans with no LLM vocabulary', async () => {
    expect(await one({ 'http.request.method': 'GET' }, {}, 'GET /')).toBeNull();
  });
});

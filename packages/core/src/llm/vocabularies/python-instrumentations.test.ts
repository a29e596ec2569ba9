import { describe, expect, it } from 'vitest';
import { readCall } from '../../../../../testing/read-call.js';
import { recordedAs, type SpanHelpers } from '../../../../../testing/sdk-spans.js';

type Attrs = Parameters<SpanHelpers['span']>[1];
type Options = Parameters<SpanHelpers['span']>[2];

/** One span as the named instrumentation scope records it, read as an LLM call. */
const recorded = async (scope: string, name: string, attrs: Attrs, options: Options = {}) =>
  readCall(await recordedAs(scope, name, attrs, options));

const chat = { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' };

describe('Strands Agents: the prompt in span events', () => {
  it('reads gen_ai.*.message events of Bedrock blocks, a tool use and its result, in time order', async () => {
    const call = await recorded(
      'strands.telemetry.tracer',
      'chat',
      { ...chat, 'gen_ai.system': 'strands-agents' },
      {
        events: [
          ['gen_ai.system.message', { content: JSON.stringify([{ text: 'You are terse.' }]) }, 0],
          ['gen_ai.user.message', { content: JSON.stringify([{ text: 'Weather in Paris?' }]) }, 1],
          [
            'gen_ai.assistant.message',
            { content: JSON.stringify([{ toolUse: { toolUseId: 'call_abc', name: 'get_weather', input: { city: 'Paris' } } }]) },
            2,
          ],
          [
            'gen_ai.tool.message',
            {
              content: JSON.stringify([{ toolResult: { toolUseId: 'call_abc', status: 'success', content: [{ text: 'Sunny, 21 C.' }] } }]),
            },
            3,
          ],
        ],
      },
    );
    expect(call?.inputMessages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_abc', response: 'Sunny, 21 C.' }] },
    ]);
    expect(call?.provenance.inputMessages?.rule).toBe('events gen_ai.*.message');
  });

  it('merges the gen_ai.client.inference.operation.details events of the latest conventions, one key each', async () => {
    const details = 'gen_ai.client.inference.operation.details';
    const call = await recorded(
      'strands.telemetry.tracer',
      'chat',
      { ...chat, 'gen_ai.provider.name': 'strands-agents' },
      {
        events: [
          [details, { 'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are terse.' }]) }],
          [details, { 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Weather?' }] }]) }],
          [
            details,
            {
              'gen_ai.output.messages': JSON.stringify([
                {
                  role: 'assistant',
                  parts: [{ type: 'tool_call', name: 'get_weather', id: 'call_abc', arguments: { city: 'Paris' } }],
                  finish_reason: 'tool_use',
                },
              ]),
            },
          ],
        ],
      },
    );
    expect(call).toMatchObject({
      inputMessages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Weather?' }] },
      ],
      finishReasons: ['tool_calls'],
      toolCallCount: 1,
      toolCalls: [{ id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }],
    });
  });
});

describe('OpenLIT', () => {
  const openlit = (extra: Attrs) => recorded('openlit.instrumentation.openai', 'chat gpt-4o-mini', { ...chat, ...extra });

  it('takes no TTFT from a call that did not stream: its time_to_first_token is the whole request', async () => {
    const plain = await openlit({
      'gen_ai.request.stream': false,
      'gen_ai.server.time_to_first_token': 0.0168,
      'gen_ai.usage.output_tokens': 8,
    });
    expect(plain).toMatchObject({ ttftMs: null, isStreaming: false });
    const streamed = await openlit({ 'gen_ai.request.stream': true, 'gen_ai.server.time_to_first_token': 0.05 });
    expect(streamed?.ttftMs).toBeCloseTo(50, 9);
  });

  it('keeps a system prompt sent both as instructions and as an input message once', async () => {
    const system = 'You are terse.';
    const call = await openlit({
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: system }]),
      'gen_ai.input.messages': JSON.stringify([
        { role: 'system', parts: [{ type: 'text', content: system }] },
        { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
      ]),
    });
    expect(call?.inputMessages?.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('leaves out parameters it fills with empty strings, and keeps its own cost unless it is 0', async () => {
    const priced = await openlit({ 'gen_ai.request.user': '', 'gen_ai.request.temperature': 0.2, 'gen_ai.usage.cost': 8.4e-6 });
    expect(priced?.parameters).toEqual({ temperature: 0.2 });
    expect(priced).toMatchObject({ costUsd: 8.4e-6, costSource: 'source', sourceCostUsd: 8.4e-6 });
    // 0 is what OpenLIT writes for a model missing from its price list: the price table decides.
    const unpriced = await openlit({ 'gen_ai.usage.cost': 0, 'gen_ai.usage.input_tokens': 24, 'gen_ai.usage.output_tokens': 8 });
    expect(unpriced?.costSource).not.toBe('source');
    expect(unpriced?.sourceCostUsd).toBeNull();
  });
});

describe('pydantic-ai and Logfire', () => {
  it('takes a time to first chunk as a sign of streaming, and its own operation.cost', async () => {
    const call = await recorded('pydantic-ai', 'chat gpt-4o-mini', {
      ...chat,
      'gen_ai.client.operation.time_to_first_chunk': 0.0467,
      'operation.cost': 7.2e-6,
    });
    expect(call).toMatchObject({ isStreaming: true, costSource: 'source', sourceCostUsd: 7.2e-6 });
    expect(call?.ttftMs).toBeCloseTo(46.7, 9);
  });

  it("reads the HTTP status in pydantic-ai's error text", async () => {
    const call = await recorded(
      'pydantic-ai',
      'chat boom',
      { ...chat, 'gen_ai.request.model': 'boom' },
      {
        error: 'ModelRateLimitError: status_code: 429, model_name: boom, body: {}',
      },
    );
    expect(call).toMatchObject({ isError: true, statusCode: 429 });
  });

  it("marks Logfire's end-of-stream record as a streamed call", async () => {
    const call = await recorded('logfire.openai', 'streaming response from {request_data[model]!r} took {duration:.2f}s', {
      ...chat,
      'logfire.span_type': 'log',
      'logfire.msg_template': 'streaming response from {request_data[model]!r} took {duration:.2f}s',
      duration: 0.0129,
    });
    expect(call).toMatchObject({ isStreaming: true });
    expect(call?.durationMs).toBeCloseTo(12.9, 9);
  });
});

describe('LangChain through OpenInference', () => {
  const langchain = (output: unknown, extra: Attrs = {}) =>
    recorded('openinference.instrumentation.langchain', 'ChatOpenAI', {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini',
      'llm.invocation_parameters': JSON.stringify({
        model: 'gpt-4o-mini',
        model_name: 'gpt-4o-mini',
        stream: false,
        _type: 'openai-chat',
        temperature: 0.2,
      }),
      'output.value': JSON.stringify(output),
      'output.mime_type': 'application/json',
      ...extra,
    });
  const generation = (type: string) => ({
    generations: [
      [
        {
          text: 'Paris.',
          type,
          generation_info: { finish_reason: 'stop', model_name: 'gpt-4o-mini-2024-07-18' },
          message: {
            kwargs: {
              type: type === 'ChatGenerationChunk' ? 'AIMessageChunk' : 'ai',
              response_metadata: { model_name: 'gpt-4o-mini-2024-07-18' },
            },
          },
        },
      ],
    ],
  });

  it('tells a streamed call and the served model from the result, not from the chat model settings', async () => {
    const streamed = await langchain(generation('ChatGenerationChunk'));
    expect(streamed).toMatchObject({ isStreaming: true, model: 'gpt-4o-mini-2024-07-18', requestModel: 'gpt-4o-mini' });
    const plain = await langchain(generation('ChatGeneration'));
    expect(plain).toMatchObject({ isStreaming: false, model: 'gpt-4o-mini-2024-07-18' });
    // LangChain's bookkeeping is not a request parameter.
    expect(plain?.parameters).toEqual({ temperature: 0.2 });
  });

  it('gives a failed call no empty answer', async () => {
    const failed = await langchain(null, { 'llm.output_messages.0.message.role': 'assistant' });
    expect(failed?.outputMessages ?? null).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { readCall } from '../../../../../testing/read-call.js';
import { recordedAs, type SpanHelpers } from '../../../../../testing/sdk-spans.js';

type Attrs = Parameters<SpanHelpers['span']>[1];
type Options = Parameters<SpanHelpers['span']>[2];

/** One span as the named instrumentation scope records it, read as an LLM call. */
const recorded = async (scope: string, name: string, attrs: Attrs, options: Options = {}) =>
  readCall(await recordedAs(scope, name, attrs, options));

/**
 * Strands Agents (Python, `strands.telemetry.tracer`): a `chat` span per model call with
 * `gen_ai.system="strands-agents"`, usage in both the old and new keys, `cache_*_input_tokens`,
 * `timeToFirstByteMs` and `latencyMs` as `gen_ai.server.*` in milliseconds, the prompt as
 * `gen_ai.*.message` events and the answer as one `gen_ai.choice` event holding the Bedrock
 * Converse content blocks.
 */
const strandsChat = (model: string, choice: Attrs, extra: Attrs = {}): Attrs => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.system': 'strands-agents',
  'gen_ai.request.model': model,
  'gen_ai.event.start_time': '2026-11-20T10:00:00.000000+00:00',
  'gen_ai.usage.prompt_tokens': 1200,
  'gen_ai.usage.input_tokens': 1200,
  'gen_ai.usage.completion_tokens': 40,
  'gen_ai.usage.output_tokens': 40,
  'gen_ai.usage.total_tokens': 1240,
  'gen_ai.usage.cache_read_input_tokens': 1000,
  'gen_ai.usage.cache_write_input_tokens': 150,
  'gen_ai.server.time_to_first_token': 412,
  'gen_ai.server.request.duration': 1800,
  'gen_ai.event.end_time': '2026-11-20T10:00:01.800000+00:00',
  ...extra,
  ...choice,
});

describe('Strands Agents', () => {
  const toolTurn = {
    events: [
      ['gen_ai.user.message', { content: JSON.stringify([{ text: 'Weather in Paris?' }]) }],
      [
        'gen_ai.choice',
        {
          finish_reason: 'tool_use',
          message: JSON.stringify([
            { text: 'Let me check.' },
            { toolUse: { toolUseId: 'tooluse_kZJ1', name: 'get_weather', input: { city: 'Paris' } } },
          ]),
        },
        1800,
      ],
    ] as [string, Attrs, number?][],
    durationMs: 1800,
  };

  it('reads a model call: TTFT in milliseconds, cache tokens, and the finish reason and tool call from the gen_ai.choice event', async () => {
    const call = await recorded(
      'strands.telemetry.tracer',
      'chat',
      strandsChat('us.anthropic.claude-sonnet-4-20250514-v1:0', {}),
      toolTurn,
    );
    expect(call).toMatchObject({
      vocabulary: 'otel-genai',
      operation: 'chat',
      provider: 'anthropic',
      requestModel: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
      inputTokens: 1200,
      outputTokens: 40,
      totalTokens: 1240,
      cacheReadTokens: 1000,
      cacheWriteTokens: 150,
      ttftMs: 412,
      durationMs: 1800,
      finishReasons: ['tool_calls'],
      toolCallCount: 1,
      toolCalls: [{ id: 'tooluse_kZJ1', name: 'get_weather', arguments: { city: 'Paris' } }],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'tool_use',
          parts: [
            { type: 'text', content: 'Let me check.' },
            { type: 'tool_call', id: 'tooluse_kZJ1', name: 'get_weather', arguments: { city: 'Paris' } },
          ],
        },
      ],
    });
    expect(call?.tptMs).toBeCloseTo((1800 - 412) / 40, 9);
    expect(call?.provenance.ttftMs?.rule).toBe(
      'gen_ai.server.time_to_first_token (ms: Strands Agents (scope "strands.telemetry.tracer") writes milliseconds)',
    );
    expect(call?.provenance.finishReasons?.rule).toBe('event gen_ai.choice finish_reason');
    expect(call?.provenance.provider?.rule).toBe('derived: vendor of model "us.anthropic.claude-sonnet-4-20250514-v1:0"');
  });

  it('never takes "strands-agents" for the provider: the model name tells it, else the server address, else nothing', async () => {
    const gpt = await recorded('strands.telemetry.tracer', 'chat', strandsChat('gpt-4o', {}));
    expect(gpt).toMatchObject({ provider: 'openai', hostProvider: null });
    const custom = await recorded('strands.telemetry.tracer', 'chat', strandsChat('support-finetune-v3', {}));
    expect(custom).toMatchObject({ provider: null, hostProvider: null });
    const viaHost = await recorded(
      'strands.telemetry.tracer',
      'chat',
      strandsChat('support-finetune-v3', {}, { 'server.address': 'bedrock-runtime.us-east-1.amazonaws.com' }),
    );
    expect(viaHost).toMatchObject({ provider: null, hostProvider: 'aws.bedrock' });
    // The latest-conventions mode names the framework in gen_ai.provider.name instead.
    const latest = await recorded('strands.telemetry.tracer', 'chat', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'strands-agents',
      'gen_ai.request.model': 'mistral-large-2407',
    });
    expect(latest).toMatchObject({ provider: 'mistral_ai' });
  });

  it('reads a plain answer: end_turn is a stop, and there are no tool calls', async () => {
    const call = await recorded('strands.telemetry.tracer', 'chat', strandsChat('us.anthropic.claude-3-5-haiku-20241022-v1:0', {}), {
      events: [['gen_ai.choice', { finish_reason: 'end_turn', message: JSON.stringify([{ text: 'Sunny, 21 °C.' }]) }]],
    });
    expect(call).toMatchObject({ finishReasons: ['stop'], toolCalls: null, toolCallCount: null });
    expect(call?.outputMessages?.[0]?.parts).toEqual([{ type: 'text', content: 'Sunny, 21 °C.' }]);
  });

  it('agent and tool spans are not model calls', async () => {
    expect(
      await recorded('strands.telemetry.tracer', 'invoke_agent Strands Agents', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.system': 'strands-agents',
        'gen_ai.usage.input_tokens': 2400,
      }),
    ).toBeNull();
    expect(
      await recorded('strands.telemetry.tracer', 'execute_tool get_weather', {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.system': 'strands-agents',
        'gen_ai.tool.name': 'get_weather',
      }),
    ).toBeNull();
  });
});

describe('OpenLIT', () => {
  it('reads gen_ai.server.time_to_first_token in seconds, as OpenLIT writes it', async () => {
    const call = await recorded(
      'openlit.otel.tracing',
      'chat gpt-4o-mini',
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.request.is_stream': true,
        'gen_ai.usage.input_tokens': 24,
        'gen_ai.usage.output_tokens': 60,
        'gen_ai.server.time_to_first_token': 0.35,
        'gen_ai.server.time_per_output_token': 0.011,
        'server.address': 'api.openai.com',
        'server.port': 443,
      },
      { durationMs: 1000 },
    );
    expect(call).toMatchObject({ provider: 'openai', ttftMs: 350, durationMs: 1000 });
    expect(call?.tptMs).toBeCloseTo(650 / 60, 9);
    expect(call?.provenance.ttftMs?.rule).toBe(
      'gen_ai.server.time_to_first_token (s: OpenLIT (scope "openlit.otel.tracing") writes seconds)',
    );
  });

  it('takes seconds, the OTel metric unit, from an instrumentation it does not know, and says it assumed so', async () => {
    const call = await recorded('my-own-tracer', 'chat', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.server.time_to_first_token': 0.2,
    });
    expect(call?.ttftMs).toBe(200);
    expect(call?.provenance.ttftMs?.rule).toMatch(/assumed seconds/);
  });
});

describe('pydantic-ai', () => {
  it('reads reasoning and cache tokens from gen_ai.usage.details.*', async () => {
    const call = await recorded('pydantic-ai', 'chat gpt-5', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-5',
      'gen_ai.response.model': 'gpt-5-2025-08-07',
      'server.address': 'api.openai.com',
      'gen_ai.usage.input_tokens': 2048,
      'gen_ai.usage.output_tokens': 900,
      'gen_ai.usage.details.cache_read_tokens': 1024,
      'gen_ai.usage.details.reasoning_tokens': 512,
      'gen_ai.usage.details.accepted_prediction_tokens': 3,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(call).toMatchObject({
      provider: 'openai',
      inputTokens: 2048,
      outputTokens: 900,
      cacheReadTokens: 1024,
      reasoningTokens: 512,
      cacheWriteTokens: null,
    });
    expect(call?.provenance.reasoningTokens?.rule).toBe('gen_ai.usage.details.reasoning_tokens');
  });

  it('reads cache writes from Anthropic calls', async () => {
    const call = await recorded('pydantic-ai', 'chat claude-sonnet-4-5', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.usage.input_tokens': 3000,
      'gen_ai.usage.output_tokens': 120,
      'gen_ai.usage.details.cache_write_tokens': 2500,
      'gen_ai.usage.details.cache_read_tokens': 400,
    });
    expect(call).toMatchObject({ cacheWriteTokens: 2500, cacheReadTokens: 400, reasoningTokens: null });
  });
});

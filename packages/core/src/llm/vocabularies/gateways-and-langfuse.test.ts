import { describe, expect, it } from 'vitest';
import { readCall } from '../../../../../testing/read-call.js';
import { recordSpan } from '../../../../../testing/sdk-spans.js';

describe('Langfuse', () => {
  it('reads a generation: usage and cost JSON, uncached input and reasoning-free output added back, double-quoted completion start', async () => {
    const start = Date.now() - 1000;
    const completionStart = new Date(start + 300).toISOString();
    const span = await recordSpan(
      'generation',
      {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.model.name': 'gpt-4o',
        'langfuse.observation.usage_details': JSON.stringify({
          input: 200,
          output: 80,
          total: 380,
          input_cached_tokens: 100,
          output_reasoning_tokens: 20,
        }),
        'langfuse.observation.cost_details': JSON.stringify({ input: 0.0005, output: 0.0008, total: 0.0013 }),
        'langfuse.observation.completion_start_time': JSON.stringify(JSON.stringify(completionStart)),
        'langfuse.observation.model.parameters': JSON.stringify({ temperature: 0.5, max_tokens: 100 }),
        'langfuse.observation.input': JSON.stringify([{ role: 'user', content: 'Hello?' }]),
        'langfuse.observation.output': JSON.stringify({ role: 'assistant', content: 'Hi!' }),
        'session.id': 'lf-sess',
        'user.id': 'lf-user',
      },
      { startMs: start, durationMs: 1000 },
    );
    const call = readCall(span);
    expect(call).toMatchObject({
      vocabulary: 'langfuse',
      operation: 'chat',
      model: 'gpt-4o',
      provider: 'openai',
      inputTokens: 300,
      outputTokens: 100,
      totalTokens: 380,
      cacheReadTokens: 100,
      reasoningTokens: 20,
      costUsd: 0.0013,
      costSource: 'source',
      isStreaming: true,
      sessionId: 'lf-sess',
      userId: 'lf-user',
      parameters: { temperature: 0.5, max_tokens: 100n },
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Hello?' }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hi!' }] }],
    });
    expect(call?.ttftMs).toBe(300);
    expect(call?.provenance.inputTokens?.rule).toContain('excludes cached');
  });

  it('marks ERROR level observations as errors; spans and events are not calls', async () => {
    const failed = await recordSpan('generation', {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'claude-3-haiku',
      'langfuse.observation.level': 'ERROR',
      'langfuse.observation.status_message': 'overloaded_error',
    });
    expect(readCall(failed)).toMatchObject({ isError: true, errorType: 'overloaded_error' });
    expect(readCall(await recordSpan('step', { 'langfuse.observation.type': 'span' }))).toBeNull();
  });
});

describe('Plano gateway', () => {
  it('reads served vs requested model, usage, ms timings and routing', async () => {
    const span = await recordSpan(
      'llm',
      {
        'llm.provider': 'openai',
        'llm.model': 'gpt-4o-mini-2024-07-18',
        'model.requested': 'fast-model',
        'llm.usage.prompt_tokens': 50,
        'llm.usage.completion_tokens': 25,
        'llm.usage.total_tokens': 75,
        'llm.usage.cached_input_tokens': 10,
        'llm.is_streaming': true,
        'llm.time_to_first_token': 120,
        'llm.duration_ms': 620,
        'plano.session_id': 'p-sess',
        'plano.route.name': 'support',
        'routing.strategy': 'cost',
        'routing.selection_reason': 'cheapest healthy',
        request_id: 'req-77',
        'http.status_code': 200,
      },
      { durationMs: 700 },
    );
    const call = readCall(span);
    expect(call).toMatchObject({
      vocabulary: 'plano',
      provider: 'openai',
      requestModel: 'fast-model',
      model: 'gpt-4o-mini-2024-07-18',
      inputTokens: 50,
      outputTokens: 25,
      totalTokens: 75,
      cacheReadTokens: 10,
      isStreaming: true,
      ttftMs: 120,
      durationMs: 620,
      sessionId: 'p-sess',
      routeName: 'support',
      routingStrategy: 'cost',
      routingReason: 'cheapest healthy',
      requestId: 'req-77',
      statusCode: 200,
      isError: false,
    });
    expect(call?.tptMs).toBeCloseTo(500 / 25, 6);
  });

  it('treats an HTTP error status as a failed call', async () => {
    const span = await recordSpan('llm', { 'llm.model': 'gpt-4o', 'plano.route.name': 'r', 'http.status_code': 503 });
    expect(readCall(span)).toMatchObject({ isError: true, errorType: '503', statusCode: 503 });
  });
});

describe('RactoGateway', () => {
  it('reads stream as a streamed chat, its own cost, cache outcome and tool-call count', async () => {
    const span = await recordSpan('llm.call', {
      'llm.operation': 'stream',
      'llm.provider': 'anthropic',
      'llm.model': 'claude-3-5-haiku-20241022',
      'llm.latency_ms': 830,
      'llm.input_tokens': 400,
      'llm.output_tokens': 60,
      'llm.cost_usd': 0.00056,
      'llm.cache_hit': 'semantic',
      'llm.tool_calls': 2,
    });
    expect(readCall(span)).toMatchObject({
      vocabulary: 'racto',
      operation: 'chat',
      isStreaming: true,
      provider: 'anthropic',
      model: 'claude-3-5-haiku-20241022',
      durationMs: 830,
      inputTokens: 400,
      outputTokens: 60,
      costUsd: 0.00056,
      costSource: 'source',
      gatewayCache: 'semantic',
      cacheReadTokens: null,
      toolCallCount: 2,
      toolCalls: null,
    });
  });

  it('maps embed to embeddings and reads its error type', async () => {
    const span = await recordSpan('llm.call', {
      'llm.operation': 'embed',
      'llm.model': 'text-embedding-3-large',
      'llm.error_type': 'timeout',
    });
    expect(readCall(span)).toMatchObject({ operation: 'embeddings', isError: true, errorType: 'timeout' });
  });
});

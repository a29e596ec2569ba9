import { describe, expect, it } from 'vitest';
import { readCall } from '../../../../../testing/read-call.js';
import { recordSpan, recordSpans } from '../../../../../testing/sdk-spans.js';

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

  it("reads the Python SDK's OpenAI integration: the raw OpenAI usage, the JSON-encoded finish reason in metadata", async () => {
    const span = await recordSpan('OpenAI-generation', {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'gpt-4o-mini-2024-07-18',
      'langfuse.observation.usage_details': JSON.stringify({
        completion_tokens: 40,
        prompt_tokens: 24,
        total_tokens: 64,
        completion_tokens_details: { accepted_prediction_tokens: 0, audio_tokens: 0, reasoning_tokens: 32 },
        prompt_tokens_details: { audio_tokens: 0, cached_tokens: 16 },
      }),
      'langfuse.observation.metadata.finish_reason': JSON.stringify('stop'),
      'langfuse.observation.model.parameters': JSON.stringify({ temperature: 0.2, max_tokens: 'Infinity' }),
    });
    const call = readCall(span);
    expect(call?.parameters).toEqual({ temperature: 0.2 });
    expect(call).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      inputTokens: 24,
      outputTokens: 40,
      totalTokens: 64,
      cacheReadTokens: 16,
      reasoningTokens: 32,
      finishReasons: ['stop'],
    });
    expect(call?.provenance.cacheReadTokens?.rule).toContain('usage_details.prompt_tokens_details.cached_tokens');
    expect(call?.provenance.finishReasons?.rule).toBe('langfuse.observation.metadata.finish_reason');
  });

  it('reads Anthropic raw usage, adding the cache back to input, and a plain-text finish reason', async () => {
    const span = await recordSpan('generation', {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'claude-sonnet-4-5',
      'langfuse.observation.usage_details': JSON.stringify({
        input_tokens: 10,
        output_tokens: 50,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 200,
      }),
      'langfuse.observation.metadata.stop_reason': 'end_turn',
    });
    expect(readCall(span)).toMatchObject({
      inputTokens: 1210,
      outputTokens: 50,
      cacheReadTokens: 1000,
      cacheWriteTokens: 200,
      finishReasons: ['stop'],
    });
  });

  it('prefers a GenAI request model to the single Langfuse model name', async () => {
    const span = await recordSpan('generation', {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'gpt-4o-2024-08-06',
      'gen_ai.request.model': 'gpt-4o',
    });
    expect(readCall(span)).toMatchObject({ requestModel: 'gpt-4o', model: 'gpt-4o-2024-08-06' });
  });

  it("names a failed provider call by its error class, not by the SDK's whole message", async () => {
    const failed = await recordSpan('OpenAI-generation', {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'my-deployment',
      'langfuse.observation.level': 'ERROR',
      'langfuse.observation.status_message':
        "Error code: 429 - {'error': {'message': 'Rate limit reached for requests', 'type': 'requests', 'param': None, 'code': 'rate_limit_exceeded'}}",
    });
    // The integration sets no provider key; its observation name says OpenAI.
    expect(readCall(failed)).toMatchObject({ provider: 'openai', isError: true, errorType: 'RateLimitError', statusCode: 429 });

    const crashed = await recordSpan('generation', {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.level': 'ERROR',
      'langfuse.observation.status_message': `the tokenizer ran out of memory while reading a very long prompt ${'x'.repeat(200)}`,
    });
    const call = readCall(crashed);
    expect(call?.errorType?.length).toBeLessThanOrEqual(60);
    expect(call?.errorType).toMatch(/^the tokenizer ran out of memory/);
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

  // Plano's LLM span (`plano(llm)`) as its tracing guide shows it: `llm.*` keys only, no `plano.*` or `routing.*`.
  const planoLlmSpan = async (service: string, attrs: Record<string, string | number>) => {
    const [span] = await recordSpans(
      (_t, h) => {
        h.span('POST /v1/chat/completions gpt-4', attrs, { durationMs: 1300 });
      },
      { service },
    );
    return span!;
  };

  it('reads an LLM span that carries only llm.* keys; the span id stands in for the missing request id', async () => {
    const span = await planoLlmSpan('plano', {
      'llm.model': 'gpt-4',
      'llm.provider': 'openai',
      'llm.usage.prompt_tokens': 150,
      'llm.usage.completion_tokens': 75,
      'llm.duration_ms': 1250,
      'llm.time_to_first_token': 320,
    });
    const call = readCall(span);
    expect(call).toMatchObject({
      vocabulary: 'plano',
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4',
      inputTokens: 150,
      outputTokens: 75,
      totalTokens: 225,
      ttftMs: 320,
      durationMs: 1250,
      requestId: span.spanId,
    });
    expect(call?.tptMs).toBeCloseTo((1250 - 320) / 75, 9);
    expect(call?.provenance.requestId?.rule).toBe('fallback: span id (no request_id)');
  });

  it('takes the provider from the service name when llm.provider is missing, and from the model when that names none', async () => {
    const byService = readCall(await planoLlmSpan('anthropic', { 'llm.model': 'claude-sonnet-4-5', 'llm.usage.prompt_tokens': 10 }));
    expect(byService).toMatchObject({ vocabulary: 'plano', provider: 'anthropic' });
    expect(byService?.provenance.provider?.rule).toBe('fallback: service.name (no llm.provider)');
    const bedrock = readCall(await planoLlmSpan('aws.bedrock', { 'llm.model': 'anthropic.claude-3-haiku-20240307-v1:0' }));
    expect(bedrock).toMatchObject({ provider: 'anthropic', hostProvider: 'aws.bedrock' });
    const byModel = readCall(await planoLlmSpan('plano', { 'llm.model': 'gemini-2.5-flash' }));
    expect(byModel).toMatchObject({ provider: 'gcp.gemini' });
    expect(byModel?.provenance.provider?.rule).toBe('derived: vendor of model "gemini-2.5-flash"');
  });

  it('leaves llm.model spans that mark RactoGateway to Racto', async () => {
    const span = await planoLlmSpan('gw', { 'llm.model': 'gpt-4o', 'llm.operation': 'chat', 'llm.input_tokens': 3 });
    expect(readCall(span)?.vocabulary).toBe('racto');
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

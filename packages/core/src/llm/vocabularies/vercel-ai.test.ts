import { describe, expect, it } from 'vitest';
import { readCall } from '../../../../../testing/read-call.js';
import { recordSpans } from '../../../../../testing/sdk-spans.js';

describe('Vercel AI SDK', () => {
  it('counts doGenerate, not the generateText span that repeats its usage', async () => {
    const spans = await recordSpans(
      (_t, h) => {
        const outer = h.span('ai.generateText', {
          'ai.operationId': 'ai.generateText',
          'operation.name': 'ai.generateText my-function',
          'ai.model.provider': 'openai.chat',
          'ai.model.id': 'gpt-4o-mini',
          'ai.usage.promptTokens': 30,
          'ai.usage.completionTokens': 10,
          'ai.prompt': JSON.stringify({ system: 'Be brief', prompt: 'Hi' }),
          'ai.telemetry.metadata.sessionId': 'sess-v',
          'ai.telemetry.metadata.userId': 'u-v',
        });
        h.span(
          'ai.generateText.doGenerate',
          {
            'ai.operationId': 'ai.generateText.doGenerate',
            'ai.model.provider': 'openai.chat',
            'ai.model.id': 'gpt-4o-mini',
            'gen_ai.system': 'openai.chat',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
            'ai.usage.promptTokens': 30,
            'ai.usage.completionTokens': 10,
            'gen_ai.usage.input_tokens': 30,
            'gen_ai.usage.output_tokens': 10,
            'ai.response.finishReason': 'tool-calls',
            'ai.response.text': '',
            'ai.response.toolCalls': JSON.stringify([
              { toolCallType: 'function', toolCallId: 'tc1', toolName: 'lookup', args: '{"q":"x"}' },
            ]),
            'ai.prompt.messages': JSON.stringify([
              { role: 'system', content: 'Be brief' },
              { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
            ]),
            'ai.settings.maxOutputTokens': 256,
            'ai.settings.temperature': 0.3,
            'ai.telemetry.metadata.sessionId': 'sess-v',
            'ai.telemetry.metadata.userId': 'u-v',
          },
          { parent: outer },
        );
      },
      { scope: 'ai' },
    );
    const calls = spans.map((s) => readCall(s));
    expect(calls.filter(Boolean)).toHaveLength(1);
    expect(calls.find(Boolean)).toMatchObject({
      vocabulary: 'vercel-ai',
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      model: 'gpt-4o-mini-2024-07-18',
      isStreaming: false,
      inputTokens: 30,
      outputTokens: 10,
      finishReasons: ['tool_calls'],
      toolCalls: [{ id: 'tc1', name: 'lookup', arguments: { q: 'x' } }],
      toolCallCount: 1,
      sessionId: 'sess-v',
      userId: 'u-v',
      parameters: { max_tokens: 256n, temperature: 0.3 },
      inputMessages: [
        { role: 'system', parts: [{ type: 'text', content: 'Be brief' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
      ],
    });
  });

  it('reads streams: v5+ inputTokens spelling, msToFirstChunk in ms, cached and reasoning tokens', async () => {
    const [span] = await recordSpans(
      (_t, h) => {
        h.span(
          'ai.streamText.doStream',
          {
            'ai.operationId': 'ai.streamText.doStream',
            'ai.model.provider': 'anthropic.messages',
            'ai.model.id': 'claude-sonnet-4-5',
            'ai.usage.inputTokens': 2000,
            'ai.usage.outputTokens': 100,
            'ai.usage.totalTokens': 2100,
            'ai.usage.cachedInputTokens': 1500,
            'ai.usage.reasoningTokens': 40,
            'ai.response.msToFirstChunk': 350.5,
            'ai.response.text': 'Sure.',
          },
          { durationMs: 1350.5 },
        );
      },
      { scope: 'ai' },
    );
    const call = readCall(span!);
    expect(call).toMatchObject({
      provider: 'anthropic',
      isStreaming: true,
      inputTokens: 2000,
      outputTokens: 100,
      totalTokens: 2100,
      cacheReadTokens: 1500,
      reasoningTokens: 40,
      ttftMs: 350.5,
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Sure.' }] }],
    });
    expect(call?.tokensPerS).toBeCloseTo(100, 6);
  });

  it('reads v7 OpenTelemetry spans; agent spans repeat usage and are not calls', async () => {
    const spans = await recordSpans(
      (_t, h) => {
        const agent = h.span('invoke_agent weather', {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.usage.input_tokens': 90,
          'gen_ai.usage.output_tokens': 30,
        });
        const step = h.span('agent_step', { 'gen_ai.operation.name': 'agent_step', 'gen_ai.usage.input_tokens': 90 }, { parent: agent });
        h.span(
          'chat gpt-4o',
          {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.usage.input_tokens': 90,
            'gen_ai.usage.output_tokens': 30,
            'gen_ai.client.operation.time_to_first_chunk': 0.4,
            'ai.settings.context.sessionId': 'ctx-sess',
          },
          { parent: step },
        );
      },
      { scope: 'ai' },
    );
    const calls = spans.map((s) => readCall(s)).filter(Boolean);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ vocabulary: 'vercel-ai', operation: 'chat', inputTokens: 90, ttftMs: 400, sessionId: 'ctx-sess' });
  });

  it('reads embeddings from doEmbed with ai.usage.tokens', async () => {
    const [span] = await recordSpans(
      (_t, h) => {
        h.span('ai.embed.doEmbed', {
          'ai.operationId': 'ai.embed.doEmbed',
          'ai.model.provider': 'openai.embedding',
          'ai.model.id': 'text-embedding-3-small',
          'ai.usage.tokens': 12,
        });
      },
      { scope: 'ai' },
    );
    expect(readCall(span!)).toMatchObject({ operation: 'embeddings', provider: 'openai', inputTokens: 12, totalTokens: 12 });
  });
});

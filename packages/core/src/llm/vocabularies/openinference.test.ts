import { describe, expect, it } from 'vitest';
import { readCall } from '../../../../../testing/read-call.js';
import { recordSpan } from '../../../../../testing/sdk-spans.js';

describe('OpenInference', () => {
  it('reads an LLM span: vendor vs host, flattened messages, tool calls, tokens with cache', async () => {
    const span = await recordSpan('ChatCompletion', {
      'openinference.span.kind': 'LLM',
      'llm.system': 'openai',
      'llm.provider': 'azure',
      'llm.model_name': 'gpt-4o-2024-08-06',
      'llm.invocation_parameters': JSON.stringify({ model: 'gpt-4o', temperature: 0.1, stream: false }),
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'You are terse.',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.contents.0.message_content.type': 'text',
      'llm.input_messages.1.message.contents.0.message_content.text': 'What is in this image?',
      'llm.input_messages.1.message.contents.1.message_content.type': 'image',
      'llm.input_messages.1.message.contents.1.message_content.image.image.url': 'https://example.com/cat.png',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'describe',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"detail":"high"}',
      'llm.token_count.prompt': 900,
      'llm.token_count.completion': 60,
      'llm.token_count.total': 960,
      'llm.token_count.prompt_details.cache_read': 512,
      'llm.token_count.prompt_details.cache_write': 64,
      'llm.token_count.completion_details.reasoning': 20,
      'llm.finish_reason': 'tool_calls',
      'session.id': 'sess-9',
      'user.id': 'alice',
    });
    expect(readCall(span)).toMatchObject({
      vocabulary: 'openinference',
      operation: 'chat',
      provider: 'openai',
      hostProvider: 'azure',
      requestModel: 'gpt-4o',
      model: 'gpt-4o-2024-08-06',
      isStreaming: false,
      inputTokens: 900,
      outputTokens: 60,
      totalTokens: 960,
      cacheReadTokens: 512,
      cacheWriteTokens: 64,
      reasoningTokens: 20,
      finishReasons: ['tool_calls'],
      toolCallCount: 1,
      toolCalls: [{ id: 'call_1', name: 'describe', arguments: { detail: 'high' } }],
      sessionId: 'sess-9',
      userId: 'alice',
      inputMessages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'What is in this image?' },
            { type: 'uri', modality: 'image', uri: 'https://example.com/cat.png' },
          ],
        },
      ],
    });
  });

  it('takes streaming TTFT from the "First Token Stream Event"', async () => {
    const span = await recordSpan(
      'ChatCompletion',
      { 'openinference.span.kind': 'LLM', 'llm.model_name': 'claude-sonnet-4-5', 'llm.token_count.completion': 50 },
      { durationMs: 1200, events: [['First Token Stream Event', {}, 200]] },
    );
    const call = readCall(span);
    expect(call).toMatchObject({ isStreaming: true, ttftMs: 200, provider: 'anthropic' });
    expect(call?.tokensPerS).toBeCloseTo(50, 6);
    expect(call?.provenance.ttftMs?.rule).toBe('event "First Token Stream Event" time - span start');
  });

  it('keeps the source cost', async () => {
    const span = await recordSpan('ChatCompletion', {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini',
      'llm.cost.total': 0.0042,
      'llm.cost.prompt': 0.003,
      'llm.cost.completion': 0.0012,
    });
    expect(readCall(span)).toMatchObject({ costUsd: 0.0042, costSource: 'source', costBreakdown: { input: 0.003, output: 0.0012 } });
  });

  it('reads embeddings and legacy completions; chains and tools are not calls', async () => {
    expect(
      readCall(
        await recordSpan('Embeddings', {
          'openinference.span.kind': 'EMBEDDING',
          'embedding.model_name': 'text-embedding-3-small',
          'llm.token_count.prompt': 8,
        }),
      ),
    ).toMatchObject({ operation: 'embeddings', model: 'text-embedding-3-small', inputTokens: 8 });
    const legacy = readCall(
      await recordSpan('Completion', {
        'openinference.span.kind': 'LLM',
        'llm.prompts.0.prompt.text': 'Say hi',
        'llm.choices.0.completion.text': 'hi',
      }),
    );
    expect(legacy).toMatchObject({
      operation: 'text_completion',
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Say hi' }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'hi' }] }],
    });
    expect(readCall(await recordSpan('agent', { 'openinference.span.kind': 'CHAIN', 'llm.token_count.total': 999 }))).toBeNull();
    expect(readCall(await recordSpan('tool', { 'openinference.span.kind': 'TOOL', 'tool.name': 'search' }))).toBeNull();
  });

  it('takes the error type from the exception event', async () => {
    const span = await recordSpan(
      'ChatCompletion',
      { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o' },
      { error: 'boom', events: [['exception', { 'exception.type': 'APIConnectionError', 'exception.message': 'refused' }]] },
    );
    expect(readCall(span)).toMatchObject({ isError: true, errorType: 'APIConnectionError' });
  });
});

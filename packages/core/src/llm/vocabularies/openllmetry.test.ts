import { describe, expect, it } from 'vitest';
import { readCall } from '../../../../../testing/read-call.js';
import { recordSpan } from '../../../../../testing/sdk-spans.js';

describe('OpenLLMetry / Traceloop', () => {
  it('reads the current JSON form (as opentelemetry-instrumentation-openai 0.62 sends it)', async () => {
    const span = await recordSpan(
      'openai.chat',
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.is_streaming': false,
        'gen_ai.usage.input_tokens': 21,
        'gen_ai.usage.output_tokens': 9,
        'gen_ai.usage.total_tokens': 30,
        'gen_ai.usage.cache_read.input_tokens': 5,
        'gen_ai.usage.reasoning_tokens': 3,
        'gen_ai.response.finish_reasons': ['tool_call'],
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ content: 'Weather in Paris?', type: 'text' }] }]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', name: 'get_weather', id: 'call_abc123', arguments: { city: 'Paris' } }],
            finish_reason: 'tool_call',
          },
        ]),
        'traceloop.association.properties.session_id': 'sess-1',
        'traceloop.association.properties.user_id': 'bob',
      },
      { scope: 'opentelemetry.instrumentation.openai.v1' },
    );
    expect(readCall(span)).toMatchObject({
      vocabulary: 'openllmetry',
      operation: 'chat',
      provider: 'openai',
      isStreaming: false,
      inputTokens: 21,
      outputTokens: 9,
      totalTokens: 30,
      cacheReadTokens: 5,
      reasoningTokens: 3,
      finishReasons: ['tool_calls'],
      toolCallCount: 1,
      toolCalls: [{ id: 'call_abc123', name: 'get_weather', arguments: { city: 'Paris' } }],
      sessionId: 'sess-1',
      userId: 'bob',
    });
  });

  it('reads the legacy indexed form with llm.request.type and capitalised gen_ai.system', async () => {
    const span = await recordSpan('anthropic.chat', {
      'llm.request.type': 'chat',
      'gen_ai.system': 'Anthropic',
      'gen_ai.request.model': 'claude-3-5-sonnet-20240620',
      'gen_ai.usage.prompt_tokens': 120,
      'gen_ai.usage.completion_tokens': 40,
      'llm.usage.total_tokens': 160,
      'gen_ai.usage.cache_read_input_tokens': 100,
      'gen_ai.usage.cache_creation_input_tokens': 20,
      'llm.is_streaming': true,
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content': 'Be kind.',
      'gen_ai.prompt.1.role': 'user',
      'gen_ai.prompt.1.content': JSON.stringify([{ type: 'text', text: 'Hi there' }]),
      'gen_ai.prompt.name': 'greeting-template',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': 'Hello!',
      'gen_ai.completion.0.finish_reason': 'end_turn',
      'llm.top_k': 40,
    });
    const call = readCall(span);
    expect(call).toMatchObject({
      vocabulary: 'openllmetry',
      provider: 'anthropic',
      requestModel: 'claude-3-5-sonnet-20240620',
      inputTokens: 120,
      outputTokens: 40,
      totalTokens: 160,
      cacheReadTokens: 100,
      cacheWriteTokens: 20,
      isStreaming: true,
      finishReasons: ['stop'],
      inputMessages: [
        { role: 'system', parts: [{ type: 'text', content: 'Be kind.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Hi there' }] },
      ],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finishReason: 'end_turn' }],
    });
    // gen_ai.prompt.name is a template's name, never message content.
    expect(JSON.stringify(call?.inputMessages)).not.toContain('greeting-template');
    expect({ ...call?.parameters }).toEqual({ top_k: 40n });
  });

  it('reads the pre-2024 llm.* keys', async () => {
    const span = await recordSpan('openai.completion', {
      'llm.request.type': 'completion',
      'llm.vendor': 'OpenAI',
      'llm.request.model': 'text-davinci-003',
      'llm.response.model': 'text-davinci-003',
      'llm.usage.prompt_tokens': 10,
      'llm.usage.completion_tokens': 5,
      'llm.prompts.0.role': 'user',
      'llm.prompts.0.content': 'Say hi',
      'llm.completions.0.content': 'hi',
      'llm.temperature': 0.5,
    });
    expect(readCall(span)).toMatchObject({
      operation: 'text_completion',
      provider: 'openai',
      inputTokens: 10,
      outputTokens: 5,
      parameters: { temperature: 0.5 },
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Say hi' }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'hi' }] }],
    });
  });

  it('does not count decorator spans (workflows, tasks, agents, tools)', async () => {
    const span = await recordSpan('joke_workflow.workflow', {
      'traceloop.span.kind': 'workflow',
      'traceloop.entity.name': 'joke_workflow',
      'gen_ai.usage.input_tokens': 99,
    });
    expect(readCall(span)).toBeNull();
  });
});

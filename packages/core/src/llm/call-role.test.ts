import { describe, expect, it } from 'vitest';
import { recordSpan } from '../../../../testing/sdk-spans.js';
import { callRole, streamEndDurationMs } from './call-role.js';

const llm = { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o' };

describe('call roles', () => {
  it('tells framework spans from client spans by their instrumentation scope', async () => {
    const roleIn = async (scope: string, attributes: Record<string, string> = llm) =>
      callRole(await recordSpan('call', attributes, { scope }));
    expect(await roleIn('openinference.instrumentation.langchain')).toBe('framework');
    expect(await roleIn('openinference.instrumentation.llama_index')).toBe('framework');
    expect(await roleIn('@arizeai/openinference-instrumentation-langchain')).toBe('framework');
    expect(await roleIn('openinference.instrumentation.openai')).toBe('client');
    expect(await roleIn('@arizeai/openinference-instrumentation-openai')).toBe('client');
    expect(await roleIn('opentelemetry.instrumentation.anthropic')).toBe('client');
    expect(await roleIn('opentelemetry.instrumentation.openai_v2')).toBe('client');
    expect(await roleIn('@traceloop/instrumentation-langchain')).toBe('framework');
    expect(await roleIn('logfire.openai')).toBe('client');
    expect(await roleIn('logfire.openai_agents')).toBe('framework');
    expect(await roleIn('@sightline/sdk')).toBe('client');
    expect(await roleIn('sightline')).toBe('client');
    expect(await roleIn('ai', { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'gpt-4o' })).toBe('framework');
    expect(await roleIn('my-app')).toBeNull();
    expect(await roleIn('openinference.instrumentation.something_new')).toBeNull();
  });

  it('reads Logfire’s streamed-response record, and its duration from the `duration` attribute', async () => {
    const template = 'streaming response from {request_data[model]!r} took {duration:.2f}s';
    const record = await recordSpan(
      template,
      { 'logfire.span_type': 'log', 'logfire.msg_template': template, duration: 1.25, 'gen_ai.request.model': 'gpt-4o' },
      { scope: 'logfire.openai', durationMs: 0 },
    );
    expect(callRole(record)).toBe('stream-end');
    expect(streamEndDurationMs(record)).toBe(1250);
    // Azure AI Inference without a model: "streaming response took {duration:.2f}s".
    const bare = await recordSpan(
      'streaming response took {duration:.2f}s',
      { 'logfire.span_type': 'log', duration: 0.5 },
      { durationMs: 0 },
    );
    expect(streamEndDurationMs(bare)).toBe(500);
    // The request span, and a log that is not a stream record, are not.
    const request = await recordSpan(
      'Chat Completion with {request_data[model]!r}',
      { 'logfire.span_type': 'span', duration: 3 },
      { scope: 'logfire.openai' },
    );
    expect(streamEndDurationMs(request)).toBeNull();
    expect(callRole(request)).toBe('client');
    const other = await recordSpan('user said {x}', { 'logfire.span_type': 'log', duration: 3 }, { durationMs: 0 });
    expect(streamEndDurationMs(other)).toBeNull();
  });
});

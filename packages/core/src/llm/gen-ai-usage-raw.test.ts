import { describe, expect, it } from 'vitest';
import { readCall } from '../../../../testing/read-call.js';
import { recordSpan } from '../../../../testing/sdk-spans.js';

/** A chat span as Logfire's `instrument_openai()` writes it: usage counts plus the raw usage JSON. */
const logfireChat = (usage: Record<string, unknown>, extra: Record<string, number> = {}) =>
  recordSpan('Chat Completion with {request_data[model]!r}', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'o4-mini',
    'gen_ai.response.model': 'o4-mini-2025-04-16',
    'gen_ai.usage.input_tokens': 24,
    'gen_ai.usage.output_tokens': 40,
    'gen_ai.usage.raw': JSON.stringify(usage),
    ...extra,
  });

describe("Logfire's gen_ai.usage.raw", () => {
  it('supplies the cached and reasoning tokens that have no attribute of their own', async () => {
    const span = await logfireChat({
      prompt_tokens: 24,
      completion_tokens: 40,
      total_tokens: 64,
      prompt_tokens_details: { cached_tokens: 16, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 32 },
    });
    const call = readCall(span);
    expect(call).toMatchObject({ inputTokens: 24, outputTokens: 40, totalTokens: 64, cacheReadTokens: 16, reasoningTokens: 32 });
    expect(call?.provenance.cacheReadTokens).toEqual({
      vocabulary: 'otel-genai',
      rule: 'gen_ai.usage.raw prompt_tokens_details.cached_tokens',
    });
    expect(call?.provenance.reasoningTokens?.rule).toBe('gen_ai.usage.raw completion_tokens_details.reasoning_tokens');
    expect(call?.provenance.inputTokens?.rule).toBe('gen_ai.usage.input_tokens');
  });

  it('gives way to the dedicated attributes when they are there', async () => {
    const span = await logfireChat(
      { prompt_tokens: 24, completion_tokens: 40, prompt_tokens_details: { cached_tokens: 16 } },
      { 'gen_ai.usage.cache_read.input_tokens': 8 },
    );
    const call = readCall(span);
    expect(call?.cacheReadTokens).toBe(8);
    expect(call?.provenance.cacheReadTokens?.rule).toBe('gen_ai.usage.cache_read.input_tokens');
  });

  it('reads Anthropic cache writes and ignores a value that is not usage', async () => {
    const anthropic = await logfireChat({ input_tokens: 2, output_tokens: 3, cache_creation_input_tokens: 100 });
    expect(readCall(anthropic)).toMatchObject({ cacheWriteTokens: 100, cacheReadTokens: null });
    const junk = await recordSpan('chat', { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.raw': 'not json' });
    expect(readCall(junk)).toMatchObject({ cacheReadTokens: null, reasoningTokens: null });
  });
});

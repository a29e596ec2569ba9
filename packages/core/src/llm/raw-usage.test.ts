import { describe, expect, it } from 'vitest';
import { readRawUsage } from './raw-usage.js';

const values = (raw: unknown) => {
  const u = readRawUsage(raw);
  return u && Object.fromEntries(Object.entries(u).map(([k, c]) => [k, c?.value ?? null]));
};

describe('readRawUsage', () => {
  it('reads OpenAI Chat Completions usage: cached tokens are inside the prompt, reasoning inside the completion', () => {
    const raw = {
      prompt_tokens: 24,
      completion_tokens: 40,
      total_tokens: 64,
      prompt_tokens_details: { cached_tokens: 16, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 32, audio_tokens: 0 },
    };
    expect(values(raw)).toEqual({ input: 24, output: 40, total: 64, cacheRead: 16, cacheWrite: null, reasoning: 32 });
    expect(readRawUsage(raw)?.cacheRead?.from).toBe('prompt_tokens_details.cached_tokens');
    expect(readRawUsage(raw)?.reasoning?.from).toBe('completion_tokens_details.reasoning_tokens');
  });

  it('reads the same from JSON text, as Logfire sends gen_ai.usage.raw', () => {
    const text = JSON.stringify({ prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 4 } });
    expect(values(text)).toEqual({ input: 10, output: 2, total: null, cacheRead: 4, cacheWrite: null, reasoning: null });
  });

  it('reads OpenAI Responses usage as Logfire captured it, cache writes included', () => {
    const logfire =
      '{"input_tokens":128,"input_tokens_details":{"cache_write_tokens":0,"cached_tokens":0},"output_tokens":36,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":164}';
    expect(values(logfire)).toEqual({ input: 128, output: 36, total: 164, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
  });

  it('reads OpenAI Responses usage', () => {
    const raw = {
      input_tokens: 30,
      output_tokens: 12,
      total_tokens: 42,
      input_tokens_details: { cached_tokens: 20 },
      output_tokens_details: { reasoning_tokens: 5 },
    };
    expect(values(raw)).toEqual({ input: 30, output: 12, total: 42, cacheRead: 20, cacheWrite: null, reasoning: 5 });
  });

  it('adds Anthropic cache reads and writes back to input_tokens, which leaves them out', () => {
    const raw = { input_tokens: 10, output_tokens: 50, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200 };
    const usage = readRawUsage(raw);
    expect(values(raw)).toEqual({ input: 1210, output: 50, total: null, cacheRead: 1000, cacheWrite: 200, reasoning: null });
    expect(usage?.input?.from).toBe(
      'input_tokens + cache_read_input_tokens + cache_creation_input_tokens (Anthropic input excludes cache)',
    );
  });

  it('ignores counts that are not whole non-negative numbers, and answers null for anything without usage', () => {
    expect(values({ prompt_tokens: '12', completion_tokens: -1, total_tokens: 3.5, cache_read_input_tokens: null })).toBeNull();
    expect(readRawUsage('not json')).toBeNull();
    expect(readRawUsage('[1,2]')).toBeNull();
    expect(readRawUsage(null)).toBeNull();
    expect(readRawUsage({ prompt_tokens_details: { cached_tokens: 'x' } })).toBeNull();
  });
});

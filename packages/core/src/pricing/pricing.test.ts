import { describe, expect, it } from 'vitest';
import { type LlmCall, UNKNOWN_CALL_FIELDS } from '../llm/llm-call.js';
import { builtInPrices } from './builtin.js';
import { Pricer } from './cost.js';
import { baseName, familyName } from './model-names.js';
import { PriceFileError, parsePriceOverrides } from './price-overrides.js';
import { PriceTable } from './price-table.js';

const at = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
const NOW = at('2026-11-01T00:00:00Z');

function call(fields: Partial<LlmCall>): LlmCall {
  return {
    ...UNKNOWN_CALL_FIELDS,
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    timestamp: NOW,
    serviceName: 'svc',
    operation: 'chat',
    durationMs: 100,
    vocabulary: 'otel-genai',
    ...fields,
  };
}

const pricer = new Pricer(builtInPrices());

describe('model names', () => {
  it('drop provider prefixes, platform tags and dates', () => {
    expect(baseName('openai/gpt-4o')).toBe('gpt-4o');
    expect(baseName('us.anthropic.claude-3-5-sonnet-20240620-v1:0')).toBe('claude-3-5-sonnet-20240620');
    expect(baseName('publishers/google/models/gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(baseName('claude-3-5-sonnet@20240620')).toBe('claude-3-5-sonnet');
    expect(baseName('models/gemini-2.0-flash')).toBe('gemini-2.0-flash');
    expect(baseName('GPT-4o-Mini')).toBe('gpt-4o-mini');
    expect(familyName('gpt-4o-mini-2024-07-18')).toBe('gpt-4o-mini');
    expect(familyName('claude-3-5-sonnet-20241022')).toBe('claude-3-5-sonnet');
    expect(familyName('mistral-large-latest')).toBe('mistral-large');
  });
});

describe('the built-in price table', () => {
  const table = builtInPrices();

  it('covers the current and previous generations of the major vendors, and embeddings', () => {
    expect(table.modelCount).toBeGreaterThan(2000);
    for (const [model, vendor] of [
      ['gpt-4o', 'openai'],
      ['gpt-4.1-mini', 'openai'],
      ['o3-mini', 'openai'],
      ['claude-sonnet-4-5', 'anthropic'],
      ['claude-3-7-sonnet-20250219', 'anthropic'],
      ['gemini-2.5-pro', 'gcp.gemini'],
      ['gemini-2.0-flash', 'gcp.gemini'],
      ['mistral-large-latest', 'mistral_ai'],
      ['grok-4', 'x_ai'],
      ['grok-3', 'x_ai'],
      ['deepseek-chat', 'deepseek'],
      ['command-r-plus', 'cohere'],
      ['llama-3.3-70b-versatile', null],
      ['text-embedding-3-small', 'openai'],
      ['embed-english-v3.0', 'cohere'],
    ] as const) {
      expect(table.find(model, { vendor, host: null, at: NOW }), model).not.toBeNull();
    }
  });

  it('finds the same price under the vendor spelling calls use now and the one stored calls may have', () => {
    for (const [model, vendor, older, platform] of [
      ['gemini/gemini-2.0-flash', 'gcp.gemini', 'google', 'google'],
      ['mistral-large-latest', 'mistral_ai', 'mistral', 'mistral'],
      ['grok-4', 'x_ai', 'xai', 'xai'],
    ] as const) {
      const match = table.find(model, { vendor, host: null, at: NOW });
      expect(match?.entry.platform, model).toBe(platform);
      expect(table.find(model, { vendor: older, host: null, at: NOW })).toEqual(match);
    }
  });

  it('finds models through date suffixes, prefixes, Bedrock and Vertex ids, and case', () => {
    const ctx = { vendor: null, host: null, at: NOW };
    expect(table.find('gpt-4o-mini-2024-07-18', ctx)?.entry.model).toBe('gpt-4o-mini-2024-07-18');
    expect(table.find('openai/gpt-4o-mini', ctx)?.entry.input).toBe(0.15);
    expect(table.find('GPT-4O-MINI', ctx)?.entry.input).toBe(0.15);
    expect(table.find('anthropic.claude-3-5-sonnet-20240620-v1:0', { ...ctx, host: 'aws.bedrock' })?.entry.input).toBe(3);
    expect(table.find('claude-3-5-sonnet-20240620', ctx)?.entry.input).toBe(3);
    expect(table.find('publishers/google/models/gemini-2.5-pro', { ...ctx, host: 'gcp.vertex_ai' })?.entry.input).toBe(1.25);
    expect(table.find('gpt-4o-mini-2099-01-01', ctx)?.via).toBe('family');
    expect(table.find('totally-unknown-model', ctx)).toBeNull();
  });

  it('prefers the platform that served the call', () => {
    const groq = table.find('llama-3.3-70b-versatile', { vendor: 'meta', host: 'groq', at: NOW });
    expect(groq?.entry.platform).toBe('groq');
    const azure = table.find('gpt-4o', { vendor: 'openai', host: 'azure', at: NOW });
    expect(azure?.entry.platform).toBe('azure');
    expect(table.find('gpt-4o', { vendor: 'openai', host: null, at: NOW })?.entry.platform).toBe('openai');
  });

  it('applies the price in effect on the call’s day', () => {
    expect(table.find('gpt-4o', { vendor: 'openai', host: null, at: at('2024-06-01T00:00:00Z') })?.entry).toMatchObject({
      input: 5,
      output: 15,
    });
    expect(table.find('gpt-4o', { vendor: 'openai', host: null, at: at('2024-10-02T00:00:00Z') })?.entry).toMatchObject({
      input: 2.5,
      output: 10,
    });
  });
});

describe('call costs', () => {
  it('prices gpt-4o-mini at its published price ($0.15 in, $0.075 cached, $0.60 out per 1M)', () => {
    const c = pricer.price(
      call({ model: 'gpt-4o-mini-2024-07-18', provider: 'openai', inputTokens: 25, cacheReadTokens: 12, outputTokens: 7 }),
    );
    expect(c.costSource).toBe('table');
    expect(c.costBreakdown?.input).toBeCloseTo(13 * 0.15e-6, 15);
    expect(c.costBreakdown?.cacheRead).toBeCloseTo(12 * 0.075e-6, 15);
    expect(c.costBreakdown?.output).toBeCloseTo(7 * 0.6e-6, 15);
    expect(c.costBreakdown?.cacheWrite).toBeNull();
    expect(c.costUsd).toBeCloseTo(13 * 0.15e-6 + 12 * 0.075e-6 + 7 * 0.6e-6, 15);
    expect(c.priceModel).toBe('gpt-4o-mini-2024-07-18 (openai)');
  });

  it('charges cache reads and writes at their own prices and never twice', () => {
    // claude-sonnet-4-5: $3 input, $0.30 cache read, $3.75 cache write, $15 output per 1M.
    const c = pricer.price(
      call({
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
        inputTokens: 10_000,
        cacheReadTokens: 6_000,
        cacheWriteTokens: 2_000,
        outputTokens: 500,
      }),
    );
    const b = c.costBreakdown;
    expect(b?.input).toBeCloseTo(2_000 * 3e-6, 12);
    expect(b?.cacheRead).toBeCloseTo(6_000 * 0.3e-6, 12);
    expect(b?.cacheWrite).toBeCloseTo(2_000 * 3.75e-6, 12);
    expect(b?.output).toBeCloseTo(500 * 15e-6, 12);
    expect(b?.reasoning).toBeNull();
  });

  it('charges reasoning tokens as part of the output, once', () => {
    // o1: $15 in, $60 out; reasoning tokens are output tokens at the output price.
    const c = pricer.price(call({ model: 'o1', provider: 'openai', inputTokens: 1000, outputTokens: 3000, reasoningTokens: 2500 }));
    expect(c.costBreakdown?.output).toBeCloseTo(500 * 60e-6, 12);
    expect(c.costBreakdown?.reasoning).toBeCloseTo(2500 * 60e-6, 12);
    expect(c.costUsd).toBeCloseTo(1000 * 15e-6 + 3000 * 60e-6, 12);
  });

  it('uses long-context prices above the threshold', () => {
    const c = pricer.price(call({ model: 'gemini-2.5-pro', provider: 'gcp.gemini', inputTokens: 300_000, outputTokens: 1000 }));
    expect(c.costUsd).toBeCloseTo(300_000 * 2.5e-6 + 1000 * 15e-6, 12);
  });

  it('prices embeddings by input tokens only', () => {
    const c = pricer.price(call({ operation: 'embeddings', model: 'text-embedding-3-small', inputTokens: 5 }));
    expect(c).toMatchObject({ costUsd: 5 * 0.02e-6, costSource: 'table' });
    expect(c.costBreakdown?.output).toBeNull();
  });

  it('leaves a call unpriced — null, not $0 — when the model is unknown or the tokens are', () => {
    expect(pricer.price(call({ model: 'my-finetune-xyz', inputTokens: 10, outputTokens: 10 }))).toEqual({
      costUsd: null,
      costBreakdown: null,
      costSource: null,
      priceModel: null,
    });
    expect(pricer.price(call({ model: 'gpt-4o', inputTokens: null }))).toMatchObject({
      costUsd: null,
      costSource: null,
      priceModel: 'gpt-4o (openai, from 2024-10-02)',
    });
  });

  it('keeps a cost the source reported, labelled as such', () => {
    const c = pricer.price(call({ model: 'gpt-4o', inputTokens: 100, outputTokens: 10, sourceCostUsd: 0.123 }));
    expect(c).toMatchObject({ costUsd: 0.123, costSource: 'source' });
  });

  it('lets a user’s price override win over the table and the source', () => {
    const overrides = new PriceTable({ entries: [{ model: 'gpt-4o', platform: null, mode: 'chat', from: null, input: 1, output: 2 }] });
    const withOverrides = new Pricer(builtInPrices(), overrides);
    expect(withOverrides.price(call({ model: 'gpt-4o-2024-08-06', inputTokens: 1_000_000, outputTokens: 1_000_000 }))).toMatchObject({
      costUsd: 3,
      costSource: 'override',
    });
    expect(withOverrides.price(call({ model: 'gpt-4o', inputTokens: 1_000_000, outputTokens: 0, sourceCostUsd: 9 }))).toMatchObject({
      costUsd: 1,
      costSource: 'override',
    });
    expect(withOverrides.price(call({ model: 'gpt-4o-mini', inputTokens: 1_000_000, outputTokens: 0 }))).toMatchObject({
      costSource: 'table',
      costUsd: 0.15,
    });
  });
});

describe('price overrides', () => {
  it('reads a list, {entries}, or a map from model to prices', () => {
    const list = parsePriceOverrides([{ model: 'GPT-4o', input: 2, output: 8, cached_input: 1, platform: 'azure', from: '2025-01-01' }]);
    expect(list.entries).toEqual([
      {
        model: 'gpt-4o',
        platform: 'azure',
        mode: 'chat',
        from: '2025-01-01',
        input: 2,
        output: 8,
        cached_input: 1,
        cache_write: null,
        reasoning: null,
        tiers: undefined,
      },
    ]);
    expect(parsePriceOverrides({ entries: [{ model: 'm', input: 1, output: 1 }] }).entries).toHaveLength(1);
    const map = parsePriceOverrides({ 'my-model': { input: 0.5, output: 1.5 }, 'text-embed-x': { input: 0.1, mode: 'embeddings' } });
    expect(map.entries.map((e) => [e.model, e.input, e.output, e.mode])).toEqual([
      ['my-model', 0.5, 1.5, 'chat'],
      ['text-embed-x', 0.1, 0, 'embeddings'],
    ]);
    // YAML gives dates as Date objects.
    expect(parsePriceOverrides([{ model: 'm', input: 1, output: 1, from: new Date('2025-03-01T00:00:00Z') }]).entries[0]?.from).toBe(
      '2025-03-01',
    );
  });

  it('names the entry and the field that is wrong', () => {
    expect(() => parsePriceOverrides('nope')).toThrow(PriceFileError);
    expect(() => parsePriceOverrides([{ input: 1, output: 1 }])).toThrow(/entry 1: "model" must be a non-empty string/);
    expect(() => parsePriceOverrides([{ model: 'm', output: 1 }])).toThrow(/entry 1 \("m"\): "input" is required/);
    expect(() => parsePriceOverrides([{ model: 'm', input: -1, output: 1 }])).toThrow(/"input" must be a number ≥ 0, got -1/);
    expect(() => parsePriceOverrides([{ model: 'm', input: 1, output: 1, from: 'soon' }])).toThrow(/"from" must be a date/);
    expect(() => parsePriceOverrides([{ model: 'm', input: 1, output: 1, price: 3 }])).toThrow(/unknown field "price"/);
    expect(() => parsePriceOverrides([{ model: 'm', input: 1, output: 1, tiers: [{ above: 1000, input: 2 }] }])).toThrow(
      /tier 1: "input" and "output" are required/,
    );
  });

  it('wins over the built-in table for the models it names', () => {
    const overrides = new PriceTable(parsePriceOverrides({ 'gpt-4o-mini': { input: 1, output: 1 } }));
    const p = new Pricer(builtInPrices(), overrides);
    expect(p.price(call({ model: 'gpt-4o-mini-2024-07-18', inputTokens: 1_000_000, outputTokens: 0 }))).toMatchObject({
      costUsd: 1,
      costSource: 'override',
      priceModel: 'gpt-4o-mini',
    });
  });
});

import { newAttributes } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { addAttributes, FILTER_BLOOM_BYTES, filterEntries, hasEntry } from './filter-bloom.js';

const attrs = (o: Record<string, unknown>) => Object.assign(newAttributes(), o);

describe('trace filter Bloom filters', () => {
  const bloom = new Uint8Array(FILTER_BLOOM_BYTES);
  addAttributes(bloom, attrs({ 'user.id': 'u-7', tokens: 24n, stream: true, temp: 0.2, prompt: 'x'.repeat(100) }));
  addAttributes(bloom, attrs({ 'user.id': 'u-7', model: 'gpt "4o"' }));
  const passes = (filter: Parameters<typeof filterEntries>[0]) => {
    const entries = filterEntries(filter);
    return entries === null || entries.some(([h1, h2]) => hasEntry(bloom, h1, h2));
  };

  it('lets through every filter that could match', () => {
    expect(passes({ target: 'span', key: 'user.id', op: 'eq', value: 'u-7' })).toBe(true);
    expect(passes({ target: 'span', key: 'tokens', op: 'eq', value: '24' })).toBe(true);
    expect(passes({ target: 'span', key: 'tokens', op: 'eq', value: 24 })).toBe(true);
    expect(passes({ target: 'span', key: 'stream', op: 'eq', value: 'true' })).toBe(true);
    expect(passes({ target: 'span', key: 'temp', op: 'eq', value: 0.2 })).toBe(true);
    expect(passes({ target: 'span', key: 'prompt', op: 'exists' })).toBe(true);
    expect(passes({ target: 'span', key: 'prompt', op: 'eq', value: 'x'.repeat(100) })).toBe(true);
    expect(passes({ target: 'span', key: 'model', op: 'eq', value: 'gpt "4o"' })).toBe(true);
  });

  it('skips filters that cannot match', () => {
    expect(passes({ target: 'span', key: 'user.id', op: 'eq', value: 'u-8' })).toBe(false);
    expect(passes({ target: 'span', key: 'tokens', op: 'eq', value: 25 })).toBe(false);
    expect(passes({ target: 'span', key: 'absent', op: 'exists' })).toBe(false);
    expect(passes({ target: 'span', key: 'stream', op: 'eq', value: false })).toBe(false);
  });

  it('has no say on other operators or resource attributes', () => {
    expect(filterEntries({ target: 'span', key: 'user.id', op: 'gt', value: 'a' })).toBeNull();
    expect(filterEntries({ target: 'resource', key: 'x', op: 'eq', value: 'a' })).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_CONTENT_CHARS, prepareValue } from './content.js';

describe('captured content', () => {
  const policy = { capture: true, mask: (t: string) => t.replace(/\d{4}-\d{4}/g, '####') };

  it('is JSON, masked, then capped', () => {
    expect(prepareValue(policy, { card: '1234-5678' })).toBe('{"card":"####"}');
    expect(prepareValue(policy, 'plain 1234-5678')).toBe('plain ####');
    const long = prepareValue({ capture: true, mask: null }, 'x'.repeat(MAX_CONTENT_CHARS + 10));
    expect(long).toBe(`${'x'.repeat(MAX_CONTENT_CHARS)}…[truncated 10 chars]`);
  });

  it('writes bigints as decimal strings and describes what JSON cannot hold', () => {
    expect(prepareValue(policy, { tokens: 12n })).toBe('{"tokens":"12"}');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(prepareValue(policy, cycle)).toBe('[unserialisable [object Object]]');
  });
});

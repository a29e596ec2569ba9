import { describe, expect, it } from 'vitest';
import { cutBetweenWords, jsonLeaves, SEARCH_SPAN_CHARS, SEARCH_VALUE_CHARS, spanSearchText } from './search-text.js';
import { attrs, buildSpan, T0 } from './testing/span-builder.js';

describe('a span’s search text', () => {
  it('is its name, status message, string attribute values and event attribute values, one a line', () => {
    const span = buildSpan({
      name: 'chat gpt-4o',
      status: 'error',
      statusMessage: 'rate limited',
      attributes: { 'gen_ai.request.model': 'gpt-4o', tokens: 12n, stream: true, t: 0.5, tags: ['a', 'b'], kv: attrs({ inner: 'deep' }) },
      events: [{ timeUnixNano: T0, name: 'exception', attributes: attrs({ 'exception.message': 'boom' }), droppedAttributesCount: 0 }],
    });
    expect(spanSearchText(span).split('\n')).toEqual(['chat gpt-4o', 'rate limited', 'gpt-4o', 'b', 'a', 'deep', 'boom']);
  });

  it('takes the strings inside JSON values, not their keys, the last first', () => {
    const messages = JSON.stringify([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', parts: [{ type: 'text', content: 'Say "hi"\nplease' }] },
    ]);
    const span = buildSpan({ name: 'n', attributes: { 'gen_ai.input.messages': messages, args: '{"q": "weather", "days": 3}' } });
    expect(spanSearchText(span).split('\n')).toEqual(['n', 'Say "hi"', 'please', 'text', 'user', 'Be brief.', 'system', 'weather']);
  });

  it('keeps text that only looks like JSON as it is', () => {
    for (const text of ['[INFO] user "bob" logged in', '{not json}', '[1, 2', '{"a": "unterminated}']) expect(jsonLeaves(text)).toBeNull();
    expect(jsonLeaves(' [ "a" , {"k": ["b", 1e3, true, null]} ] ')).toEqual(['a', 'b']);
  });

  it('caps each value and the whole span, cutting between words', () => {
    const word = 'abcdefghi ';
    const long = word.repeat(SEARCH_VALUE_CHARS / 5);
    const span = buildSpan({ name: 'n', attributes: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, long])) });
    const lines = spanSearchText(span).split('\n');
    expect(lines.slice(1).every((l) => l.length <= SEARCH_VALUE_CHARS && l.endsWith('abcdefghi '))).toBe(true);
    expect(lines.join('\n').length).toBeLessThanOrEqual(SEARCH_SPAN_CHARS);
    expect(lines.length).toBeLessThan(10);
  });

  it('cuts between words, and a word longer than any word where it falls', () => {
    expect(cutBetweenWords('hello world', 8)).toBe('hello ');
    expect(cutBetweenWords('hello world', 20)).toBe('hello world');
    expect(cutBetweenWords('x'.repeat(100), 80)).toBe('x'.repeat(80));
    expect(cutBetweenWords('ab 😀', 4)).toBe('ab ');
    expect(cutBetweenWords('😀'.repeat(50), 81)).toBe('😀'.repeat(40));
    expect(cutBetweenWords('abcdef', 4)).toBe('');
  });
});

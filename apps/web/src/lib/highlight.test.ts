import { describe, expect, it } from 'vitest';
import { hasHit, highlightParts, wordMatcher } from './highlight';

const marked = (text: string, query: string) =>
  highlightParts(text, wordMatcher(query))
    .filter((p) => p.hit)
    .map((p) => p.text);

describe('marking the words a trace is searched for', () => {
  it('marks each word where a word of the text starts with it, in any case', () => {
    expect(marked('My Refund was refunded; prerefund is not', 'refund')).toEqual(['Refund', 'refund']);
    expect(marked('the damaged paperback arrived', 'damaged paperb')).toEqual(['damaged', 'paperb']);
    expect(marked('Ärger über Öl', 'über öl')).toEqual(['über', 'Öl']);
  });

  it('gives back the whole text, marked parts and the rest in order', () => {
    const parts = highlightParts('a refund, a REFUND.', wordMatcher('refund'));
    expect(parts.map((p) => p.text).join('')).toBe('a refund, a REFUND.');
    expect(parts.filter((p) => p.hit)).toHaveLength(2);
  });

  it('marks nothing for a query without words, or of lone letters; and takes regex characters as text', () => {
    expect(wordMatcher('  ...  ')).toBeNull();
    expect(wordMatcher('a b')).toBeNull();
    expect(highlightParts('text', null)).toEqual([{ text: 'text', hit: false }]);
    expect(marked('cost (usd) is $3', '(usd) $3 .*')).toEqual(['usd']);
  });

  it('tells whether a text has anything to mark, however often it is asked', () => {
    const m = wordMatcher('refund');
    expect([hasHit('refund please', m), hasHit('refund please', m), hasHit('nothing', m)]).toEqual([true, true, false]);
  });
});

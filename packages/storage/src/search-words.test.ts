import { describe, expect, it } from 'vitest';
import { queryWords, searchWords } from './search-words.js';

describe('search words', () => {
  it('are runs of letters and digits, folded to lower case', () => {
    expect(searchWords('Where is my order #4521? gpt-4o_mini')).toEqual(['where', 'is', 'my', 'order', '4521', 'gpt', '4o', 'mini']);
  });

  it('ignore the diacritics of Latin letters, precomposed or not', () => {
    expect(searchWords('Café Zürich Ærø Ōsaka naïve cafe\u0301')).toEqual(['cafe', 'zurich', 'ærø', 'osaka', 'naive', 'cafe']);
  });

  it('fold other scripts’ case, keeping their marks', () => {
    expect(searchWords('ΣΟΦΊΑ σοφία Москва')).toEqual(['σοφία', 'σοφία', 'москва']);
  });

  it('take a run of characters of a script written without spaces as one word', () => {
    expect(searchWords('退款政策 是什么')).toEqual(['退款政策', '是什么']);
  });

  it('of a query are distinct; quotes and operators separate them', () => {
    expect(queryWords('"refund policy" AND refund -policy*')).toEqual(['refund', 'policy', 'and']);
    expect(queryWords('?! *')).toEqual([]);
    expect(queryWords('\ue000')).toEqual([]);
  });
});

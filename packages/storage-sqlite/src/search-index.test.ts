import { searchWords } from '@sightline/storage';
import { buildSpan } from '@sightline/storage/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { searchSchema } from './schema/004-search.js';
import { CALL_MARK, encodeSearchTexts, matchExpression } from './search-index.js';

/** The words SQLite's index makes of each text, in order. */
function indexWords(texts: readonly string[]): string[][] {
  const db = new Database(':memory:');
  // The index's own tokenizer, with positions kept so its words can be read back in order.
  const tokenize = /tokenize = ('[^']*')/.exec(searchSchema)?.[1];
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(text, tokenize = ${tokenize}); CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');`);
  const insert = db.prepare('INSERT INTO t (rowid, text) VALUES (?, ?)');
  for (const [i, text] of texts.entries()) insert.run(i + 1, text);
  const rows = db.prepare('SELECT doc, term FROM v ORDER BY doc, offset').raw().all() as [number, string][];
  db.close();
  return texts.map((_, i) => rows.filter(([doc]) => doc === i + 1).map(([, term]) => term));
}

describe('the search index', () => {
  it('makes the same words of text as the reference (searchWords)', () => {
    const texts = [
      'Where is my order #4521? gpt-4o_mini, re-try: 3.14 e=mc²',
      'Café Zürich Ærø Ōsaka naïve façade Dvořák Łódź İstanbul',
      'decomposed: cafe\u0301 n\u0303o',
      'ΣΟΦΊΑ σοφία ς Москва ЁЛКА Ελληνικά',
      '退款政策 是什么 ありがとう 한국어 ภาษาไทย',
      'emoji 😀👍 and symbols ™ © ½ ① ⅷ',
      'नमस्ते दुनिया مرحبا بالعالم שלום',
      'tabs\tand\nnewlines\r\nquotes "x" \'y\' `z`',
    ];
    const want = texts.map(searchWords);
    expect(indexWords(texts)).toEqual(want);
  });

  it('gets each span’s text, with a mark on the spans that record calls', () => {
    const spans = [buildSpan({ name: 'first' }), buildSpan({ name: 'señal' }), buildSpan({ name: '' })];
    const { text, offsets } = encodeSearchTexts(spans, (i) => i === 1);
    const at = (i: number) => Buffer.from(text.subarray(offsets[i], offsets[i + 1])).toString();
    expect([at(0), at(1), at(2)]).toEqual(['first', `señal\n${CALL_MARK}`, '']);
  });

  it('asks for every word, and the mark for calls', () => {
    expect(matchExpression(['refund', 'policy'], false)).toBe('"refund" "policy"');
    expect(matchExpression(['refund'], true)).toBe(`"refund" "${CALL_MARK}"`);
  });
});

import type { Span, Utf8Builder } from '@sightline/core';
import { type SearchLineSink, writeSpanSearchLines } from '@sightline/storage';
import { ScratchBuilder } from './scratch-builder.js';

/**
 * The last word of the search text of a span that records an LLM call (see
 * schema/004-search.ts). U+E000 is a word character to SQLite but never part of a query's
 * words (see `searchWords`), so only call searches, which add it, ever match it.
 */
export const CALL_MARK = '\uE000';

/** The spans' search texts as UTF-8, end to end: span i's is bytes [offsets[i], offsets[i + 1]). */
export interface EncodedSearch {
  readonly text: Uint8Array;
  readonly offsets: Uint32Array;
}

/**
 * Every span's search text (`spanSearchText`), built on the thread that decoded the spans, so
 * the writer thread only inserts it. `recordsCall(i)` tells whether span i records a call.
 */
export function encodeSearchTexts(spans: readonly Span[], recordsCall: (i: number) => boolean): EncodedSearch {
  const out = searchScratch.take();
  lineWriter.out = out;
  const offsets = new Uint32Array(spans.length + 1);
  for (let i = 0; i < spans.length; i++) {
    lineWriter.first = true;
    writeSpanSearchLines(spans[i] as Span, lineWriter);
    if (recordsCall(i)) out.text(CALL_LINE);
    offsets[i + 1] = out.pos;
  }
  return { text: searchScratch.done(), offsets };
}

const NEWLINE = 10;
/** The line a call span's text ends with (made once: written for every call at ingest). */
const CALL_LINE = `\n${CALL_MARK}`;
const searchScratch = new ScratchBuilder();

/** Writes a span's lines straight into the batch's bytes, a newline between them: no array of them per span. */
const lineWriter: SearchLineSink & { out: Utf8Builder | null; first: boolean } = {
  out: null,
  first: true,
  line(s: string): void {
    const out = this.out as Utf8Builder;
    if (!this.first) out.byte(NEWLINE);
    out.text(s);
    this.first = false;
  },
};

/**
 * The FTS5 query for spans holding every one of `words` (as `queryWords` gives them: letters
 * and digits only, so quoting each is enough), call spans only when `calls`, and a word that
 * starts with `prefix` when there is one.
 */
export function matchExpression(words: readonly string[], calls: boolean, prefix: string | null = null): string {
  const terms = words.map((w) => `"${w}"`);
  if (calls) terms.push(`"${CALL_MARK}"`);
  // FTS5's prefix query: any word that starts with it (see `typedWords`).
  if (prefix !== null) terms.push(`"${prefix}"*`);
  return terms.join(' ');
}

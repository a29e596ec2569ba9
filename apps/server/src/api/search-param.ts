import { queryWords, SEARCH_SPAN_CHARS, SEARCH_VALUE_CHARS, UnsupportedQueryError } from '@sightline/storage';
import { badRequest } from '../http/http-error.js';
import type { QueryParams } from './query-params.js';

/** The longest `q` accepted, in characters: a search box's worth. */
export const MAX_SEARCH_CHARS = 200;

/** What `q` does, on the trace and call lists. */
export const SEARCH_DESCRIPTION = `Free-text search: a span whose name, status message or string attribute values (the text inside JSON messages included; the first ${SEARCH_VALUE_CHARS.toLocaleString('en-US')} characters of each value, ${SEARCH_SPAN_CHARS.toLocaleString('en-US')} per span) contain every word of q, in any order. Words are runs of letters and digits, matched whole, ignoring case and Latin diacritics; punctuation and quotes only separate words. At most ${MAX_SEARCH_CHARS} characters, with at least one word. 400 when the server keeps no search index (--no-search-index).`;

/**
 * `q`, free text to search for (see `TraceQuery.text`): at most {@link MAX_SEARCH_CHARS}
 * characters with at least one word (a letter or digit); a 400 naming it otherwise.
 */
export function searchParam(p: QueryParams): string | undefined {
  const text = p.string('q');
  if (text === undefined) return undefined;
  if (text.length > MAX_SEARCH_CHARS)
    throw badRequest(`query parameter "q" must be at most ${MAX_SEARCH_CHARS} characters, got ${text.length}`);
  if (queryWords(text).length === 0) throw badRequest('query parameter "q" must contain a word (letters or digits)');
  return text;
}

/** Runs a list query, turning the store's refusal to search text into a 400 naming `q`. */
export async function withSearchCheck<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UnsupportedQueryError && err.part === 'text') throw badRequest(`query parameter "q": ${err.message}`);
    throw err;
  }
}

/**
 * Free-text search: `span_search`, an FTS5 index of every span's search text (its name, status
 * message and string attribute values, see `spanSearchText` in @sightline/storage).
 *
 * - Its rowid is the span's key, trace key·2²⁰ + the span's ordinal in its trace (see
 *   call-ids.ts): a match names its trace without a lookup, and the call a span records has
 *   the same number as its id.
 * - Contentless (`content=''`): the text is not stored again, only the index. `detail=none`
 *   keeps no word positions — so no phrase queries — which on varied text makes the index
 *   about half the size, and a quarter cheaper to write, than `detail=full`.
 *   `contentless_delete=1` lets expired traces' entries be deleted by rowid (a span key is
 *   used again when a trace's key is: the highest trace key is reused once deleted).
 * - `unicode61 remove_diacritics 2`: words are runs of letters and digits, folded to lower
 *   case, Latin diacritics removed (the reference is `searchWords`).
 * - The text of a span that records an LLM call ends with the word U+E000, which queries can
 *   never contain: call searches add it, so they read only the call spans' entries.
 *
 * Spans stored before this version are not indexed (nor searched): building the index for a
 * big database would hold the server's start for minutes.
 */
export const searchSchema = `
CREATE VIRTUAL TABLE IF NOT EXISTS span_search USING fts5(
  text, content = '', contentless_delete = 1, detail = none, tokenize = 'unicode61 remove_diacritics 2'
);
`;

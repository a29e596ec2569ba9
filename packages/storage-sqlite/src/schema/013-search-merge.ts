/**
 * The search index merges its segments 16 at a time rather than FTS5's 4. Each commit writes
 * the words of its spans as a new segment, and merging rewrites them into bigger ones: with
 * 16 a span's entries are rewritten about half as often (log₁₆ rather than log₄ of the
 * segments), at the price of up to 15 segments per level for a search to read. On the
 * benchmark's chat spans that takes a seventh off the index's cost to ingest, and a quarter
 * on text with an everyday vocabulary (see the README's benchmark notes).
 */
export const searchMergeSchema = `
INSERT INTO span_search (span_search, rank) VALUES ('automerge', 16);
`;

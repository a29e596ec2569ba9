/**
 * How the search index merges its segments. FTS5 writes a segment per transaction and, by
 * default, merges a level's segments into one as soon as there are 4 (`automerge`): every
 * entry is rewritten once per level, and with 4 to a level there are twice as many levels as
 * with 16. Merging 16 at a time cut the index's share of ingest CPU by a fifth to a third (three
 * interleaved runs of fresh servers, 800 requests of 512 LLM spans each); a word's lookup reads
 * at most 15 segments a level instead of 3, still under a millisecond at 1.2 million spans.
 * `crisismerge` (when a level's segments are merged in one go, holding the write) stays above
 * it, so merging stays incremental.
 */
export const searchMergingSchema = `
INSERT INTO span_search (span_search, rank) VALUES ('automerge', 16);
INSERT INTO span_search (span_search, rank) VALUES ('crisismerge', 64);
`;

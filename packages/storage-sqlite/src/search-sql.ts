import { queryWords, UnsupportedQueryError } from '@sightline/storage';
import type Database from 'better-sqlite3';
import type { SqlFragment } from './attribute-filter-sql.js';
import { CALLS_PER_TRACE } from './call-ids.js';
import { matchExpression } from './search-index.js';

/**
 * How a list applies a search, chosen by how many spans match it, counted first in the index
 * (a few milliseconds; see {@link SearchProbe}):
 * - `candidates`: at most {@link SEARCH_CANDIDATES} traces (calls) match; their keys are read
 *   and the list is picked from them;
 * - `matches`: at most {@link SEARCH_MATCHES} spans match; the keys of them all are read in one
 *   go (about a microsecond each) and the list keeps its rows among them;
 * - `walk`: more match and the list is in time order: it is walked along its index and each
 *   trace (call) looked up in the search index (about 0.1 ms each) — a page within a few
 *   hundred lookups, since so many match;
 * - `sorted`: more match and the list is in another order, which no index gives: it is read
 *   sorted, without the search, a chunk at a time, and each row looked up until a page is full
 *   (see search-walk.ts) — about what the list costs without the search. Where the search must
 *   hold on the same span as other conditions, `matches` stands in.
 */
export type SearchWay = 'candidates' | 'matches' | 'walk' | 'sorted';

/** Most traces (calls) a search's candidates hold. */
export const SEARCH_CANDIDATES = 10_000;
/**
 * Most matching spans whose keys are read in one go. Beyond it a page is found sooner by
 * looking rows up: 100,000 matches take ~0.1 s to read, the few hundred lookups ~0.05 s.
 */
export const SEARCH_MATCHES = 100_000;

/** The way a list applies a search; `sortable`: it can be read sorted without the search (`sorted`). */
export function searchWay(search: TextSearch, timeOrder: boolean, sortable: boolean): SearchWay {
  if (search.candidates !== null) return 'candidates';
  if (!search.common) return 'matches';
  if (timeOrder) return 'walk';
  return sortable ? 'sorted' : 'matches';
}

/** Why a store without a search index refuses free text. */

/** A free-text condition, ready for the list queries. */
export interface TextSearch {
  /** The FTS5 query (see `matchExpression`). */
  readonly match: string;
  /**
   * The keys of every trace (trace search) or call (call search) with a match, as a JSON
   * array for `json_each`; null when there are more than {@link SEARCH_CANDIDATES}.
   */
  readonly candidates: string | null;
  /** More than {@link SEARCH_MATCHES} spans match: a list in time order is walked. */
  readonly common: boolean;
}

/** Looks a search up in the index before its list query runs, to choose how the list applies it. */
export class SearchProbe {
  private readonly traceKeys;
  private readonly callKeys;
  private readonly matches;
  private readonly inRange;

  constructor(db: Database.Database) {
    this.traceKeys = db
      .prepare(`SELECT DISTINCT rowid / ${CALLS_PER_TRACE} FROM span_search WHERE span_search MATCH ? LIMIT ${SEARCH_CANDIDATES + 1}`)
      .pluck();
    this.callKeys = db.prepare(`SELECT rowid FROM span_search WHERE span_search MATCH ? LIMIT ${SEARCH_CANDIDATES + 1}`).pluck();
    this.matches = db
      .prepare(`SELECT count(*) FROM (SELECT rowid FROM span_search WHERE span_search MATCH ? LIMIT ${SEARCH_MATCHES + 1})`)
      .pluck();
    // Keys are bound as BigInts: FTS5 ignores a rowid bound as a double.
    this.inRange = db.prepare('SELECT EXISTS (SELECT 1 FROM span_search WHERE span_search MATCH ? AND rowid BETWEEN ? AND ?)').pluck();
  }

  /** The search for traces with a span holding every word of `text`; null when it has no words (nothing matches). */
  traces(text: string): TextSearch | null {
    return this.search(text, false, this.traceKeys);
  }

  /** The search for calls whose span holds every word of `text`; null when it has no words. */
  calls(text: string): TextSearch | null {
    return this.search(text, true, this.callKeys);
  }

  /** Whether a trace has a span holding the search's words. */
  traceMatches(search: TextSearch, traceKey: bigint): boolean {
    const first = traceKey * BigInt(CALLS_PER_TRACE);
    return this.inRange.get(search.match, first, first + BigInt(CALLS_PER_TRACE - 1)) === 1;
  }

  /** Whether the span whose key is `key` (a call's id) holds the search's words. */
  spanMatches(search: TextSearch, key: bigint): boolean {
    return this.inRange.get(search.match, key, key) === 1;
  }

  private search(text: string, calls: boolean, keys: Database.Statement): TextSearch | null {
    const words = queryWords(text);
    if (words.length === 0) return null;
    const match = matchExpression(words, calls);
    const found = probe(keys, match) as number[];
    if (found.length <= SEARCH_CANDIDATES) return { match, candidates: JSON.stringify(found), common: false };
    return { match, candidates: null, common: (probe(this.matches, match)[0] as number) > SEARCH_MATCHES };
  }
}

/**
 * The keys a probe finds. A word FTS5 would split in two (a letter newer than its Unicode
 * tables, which `searchWords` should have made a separator) would be a phrase, which this
 * index cannot answer: refused as a query it cannot answer rather than failing.
 */
function probe(statement: Database.Statement, match: string): unknown[] {
  try {
    return statement.all(match);
  } catch (err) {
    if (/fts5/.test((err as Error).message))
      throw new UnsupportedQueryError(`cannot search for this text: ${(err as Error).message}`, 'text');
    throw err;
  }
}

/** SQL: the rows of `table` (aliased `alias`) whose key is one of a search's candidates, picked from them (one `?`). */
export function candidatesFromSql(search: TextSearch, table: string, alias: string): SqlFragment {
  return { sql: `json_each(?) j CROSS JOIN ${table} ${alias} ON ${alias}.id = j.value`, params: [search.candidates] };
}

/** SQL: the trace (`t`) has a matching span, among the keys of every match (one `?`). */
export function traceMatchesSql(search: TextSearch): SqlFragment {
  return { sql: `t.id IN (SELECT rowid / ${CALLS_PER_TRACE} FROM span_search WHERE span_search MATCH ?)`, params: [search.match] };
}

/** SQL: the call (`c`) matches, among the keys of every match (one `?`). */
export function callMatchesSql(search: TextSearch): SqlFragment {
  return { sql: 'c.id IN (SELECT rowid FROM span_search WHERE span_search MATCH ?)', params: [search.match] };
}

/** SQL: the trace (`t`) has a matching span, looked up in the index's range of the trace's keys (one `?`). */
export function traceWalkSql(search: TextSearch): SqlFragment {
  return {
    sql: `EXISTS (SELECT 1 FROM span_search f WHERE f.span_search MATCH ? AND f.rowid BETWEEN t.id * ${CALLS_PER_TRACE} AND t.id * ${CALLS_PER_TRACE} + ${CALLS_PER_TRACE - 1})`,
    params: [search.match],
  };
}

/**
 * SQL: the span whose key is the expression `key` holds the search's words (one `?`: the
 * match). The key must be an integer expression: FTS5 ignores a rowid bound as a double.
 */
export function spanMatchesSql(key: string): string {
  return `EXISTS (SELECT 1 FROM span_search f WHERE f.span_search MATCH ? AND f.rowid = ${key})`;
}

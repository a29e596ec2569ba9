import { StatusCode } from '@sightline/core';
import {
  DEFAULT_ORDER,
  decodeCursor,
  hasSpanConditions,
  parseSortValue,
  sortSql,
  type TraceOrderField,
  type TraceQuery,
} from '@sightline/storage';
import { attributeFilterSql, type SqlFragment } from './attribute-filter-sql.js';
import { blocksFromSql } from './bounds-walk.js';
import { CALLS_PER_TRACE } from './call-ids.js';
import { filterEntries } from './filter-bloom.js';
import { hexToBlob } from './ids.js';
import {
  candidatesFromSql,
  type SearchWay,
  searchWay,
  spanMatchesSql,
  type TextSearch,
  traceMatchesSql,
  traceWalkSql,
} from './search-sql.js';

export const TRACE_SUMMARY_COLUMNS =
  't.id, t.trace_id, t.start_ns, t.end_ns, t.span_count, t.error_count, t.root_span_id, t.root_name, t.root_service, t.root_is_complete, t.llm_call_count, t.input_tokens, t.output_tokens, t.total_tokens, t.cost_usd, t.session_id, t.user_id';

const SORT_EXPRESSIONS: Record<TraceOrderField, string> = {
  start_time: 't.start_ns',
  end_time: 't.end_ns',
  duration: '(t.end_ns - t.start_ns)',
  span_count: 't.span_count',
  error_count: 't.error_count',
  trace_id: 't.trace_id',
  llm_call_count: 't.llm_call_count',
  // A value a trace lacks sorts after every known one (`sortSql`).
  total_tokens: 'COALESCE(t.total_tokens, :unknown)',
  cost: 'COALESCE(t.cost_usd, :unknown)',
};

const STATUS_CODES = { unset: StatusCode.UNSET, ok: StatusCode.OK, error: StatusCode.ERROR } as const;

/**
 * Builds the trace-list query: trace-level conditions on `traces`, span-level ones in one
 * EXISTS over the trace's spans (so they hold together on one span), keyset paging on the
 * sort value and the trace key. It fetches `limit + 1` rows to learn whether a next page exists.
 * `search` is `q.text` looked up in the index (see search-sql.ts). `blocks`, a JSON array of
 * block numbers, keeps to the traces of those blocks (see `walkBlocks`).
 */
export function traceQuerySql(
  q: TraceQuery,
  projectId: number,
  search: TextSearch | null = null,
  blocks: string | null = null,
): SqlFragment {
  if (q.text !== undefined && !search) throw new Error('a text search needs its lookup in the index (SearchProbe.traces)');
  // The reader walks a `sorted` search itself; given one here, the matches do as well.
  const way = search && traceSearchWay(q, search);
  const timeOrder = (q.orderBy ?? DEFAULT_ORDER).field === 'start_time';
  // Candidates are read one by one, unless the list's own index finds a page among them sooner.
  const from =
    search && way === 'candidates' && !timeOrder
      ? candidatesFromSql(search, 'traces', 't')
      : blocks !== null
        ? { sql: blocksFromSql('trace_bounds', 't'), params: [blocks] }
        : { sql: 'traces t', params: [] };
  const where: string[] = ['t.project_id = ?'];
  const params: unknown[] = [projectId];
  if (q.startFrom !== undefined) {
    where.push('t.start_ns >= ?');
    params.push(q.startFrom);
  }
  if (q.startTo !== undefined) {
    where.push('t.start_ns < ?');
    params.push(q.startTo);
  }
  if (q.minDurationNs !== undefined) {
    where.push('(t.end_ns - t.start_ns) >= ?');
    params.push(q.minDurationNs);
  }
  if (q.maxDurationNs !== undefined) {
    where.push('(t.end_ns - t.start_ns) <= ?');
    params.push(q.maxDurationNs);
  }
  if (q.sessionId !== undefined) {
    where.push('t.session_id = ?');
    params.push(q.sessionId);
  }
  if (q.userId !== undefined) {
    where.push('t.user_id = ?');
    params.push(q.userId);
  }
  if (q.model !== undefined || q.provider !== undefined) {
    // The trace's calls are a range of the call table's key (see call-ids.ts).
    const conds = [`c.id BETWEEN t.id * ${CALLS_PER_TRACE} AND t.id * ${CALLS_PER_TRACE} + ${CALLS_PER_TRACE - 1}`];
    if (q.model !== undefined) {
      conds.push('(c.model = ? OR c.request_model = ?)');
      params.push(q.model, q.model);
    }
    if (q.provider !== undefined) {
      conds.push('c.provider = ?');
      params.push(q.provider);
    }
    where.push(`t.llm_call_count > 0 AND EXISTS (SELECT 1 FROM llm_calls c WHERE ${conds.join(' AND ')})`);
  }
  for (const filter of q.attributes ?? []) {
    // Skip traces whose filter Bloom filter shows no span can match, before reading spans.
    const entries = filterEntries(filter);
    if (!entries) continue;
    where.push(`(t.filter_bloom IS NULL OR ${entries.map(() => 'sl_bloom_has(t.filter_bloom, ?, ?)').join(' OR ')})`);
    for (const [h1, h2] of entries) params.push(h1, h2);
  }
  if (search && way === 'candidates' && timeOrder) {
    where.push('t.id IN (SELECT value FROM json_each(?))');
    params.push(search.candidates);
  }
  if (search && (way === 'matches' || way === 'sorted')) {
    const matches = traceMatchesSql(search);
    where.push(matches.sql);
    params.push(...matches.params);
  }
  const order = q.orderBy ?? DEFAULT_ORDER;
  const sort = sortSql(SORT_EXPRESSIONS[order.field], order.direction);
  const dir = order.direction === 'asc' ? 'ASC' : 'DESC';
  if (q.cursor !== undefined) {
    const position = decodeCursor(q.cursor, order);
    const cmp = order.direction === 'asc' ? '>' : '<';
    where.push(`(${sort} ${cmp} ? OR (${sort} = ? AND t.id ${cmp} ?))`);
    const value = cursorValue(order.field, position.value);
    params.push(value, value, BigInt(position.key));
  }
  // Last, so the spans are read only for traces that pass every other condition.
  const span = hasSpanConditions(q) ? spanConditionsSql(q, search, way !== 'walk') : null;
  if (span) {
    where.push(span.sql);
    params.push(...span.params);
  }
  params.push(q.limit + 1, q.offset ?? 0);
  return {
    sql: `SELECT ${TRACE_SUMMARY_COLUMNS}, ${sort} AS sort_value FROM ${from.sql} WHERE ${where.join(' AND ')} ORDER BY ${sort} ${dir}, t.id ${dir} LIMIT ? OFFSET ?`,
    params: [...from.params, ...params],
  };
}

/** How the trace list applies a search (see `SearchWay`): walked sorted only when it is the one span condition. */
export function traceSearchWay(q: TraceQuery, search: TextSearch): SearchWay {
  const order = q.orderBy ?? DEFAULT_ORDER;
  return searchWay(search, order.field === 'start_time', onlyText(q) && q.offset === undefined);
}

function onlyText(q: TraceQuery): boolean {
  return q.service === undefined && q.spanName === undefined && q.status === undefined && !q.attributes?.length;
}

function cursorValue(field: TraceOrderField, text: string): unknown {
  const value = parseSortValue(field, text);
  return field === 'trace_id' ? hexToBlob(value as string) : value;
}

/**
 * The span-level conditions, as one EXISTS; null when the only one is the search and the
 * traces it matches are already a condition (`settled`).
 */
function spanConditionsSql(q: TraceQuery, search: TextSearch | null, settled: boolean): SqlFragment | null {
  if (search && onlyText(q)) return settled ? null : traceWalkSql(search);
  const conds: string[] = ['s.trace_key = t.id'];
  const params: unknown[] = [];
  if (q.service !== undefined) {
    conds.push('s.resource_id IN (SELECT id FROM resources WHERE service_name = ?)');
    params.push(q.service);
  }
  if (q.spanName !== undefined) {
    conds.push('s.name = ?');
    params.push(q.spanName);
  }
  if (q.status !== undefined) {
    conds.push('s.status_code = ?');
    params.push(STATUS_CODES[q.status]);
  }
  let joinResource = false;
  for (const filter of q.attributes ?? []) {
    const column = filter.target === 'resource' ? 'r.attributes' : 's.attributes';
    joinResource ||= filter.target === 'resource';
    const f = attributeFilterSql(column, filter);
    conds.push(f.sql);
    params.push(...f.params);
  }
  let spans = 'spans s';
  if (search) {
    // The span's key needs its ordinal: its place among the trace's spans in the order they were stored.
    spans = '(SELECT s.*, row_number() OVER (ORDER BY s.rowid) - 1 AS ordinal FROM spans s WHERE s.trace_key = t.id) s';
    conds.push(`s.ordinal < ${CALLS_PER_TRACE}`, spanMatchesSql(`t.id * ${CALLS_PER_TRACE} + s.ordinal`));
    params.push(search.match);
  }
  const from = joinResource ? `${spans} JOIN resources r ON r.id = s.resource_id` : spans;
  return { sql: `EXISTS (SELECT 1 FROM ${from} WHERE ${conds.join(' AND ')})`, params };
}

import {
  type CallFilters,
  type CallOrderField,
  type CallQuery,
  DEFAULT_CALL_ORDER,
  DEFAULT_SESSION_ORDER,
  decodeCursor,
  parseCallSortValue,
  parseSessionSortValue,
  type SessionOrderField,
  type SessionQuery,
  sortSql,
} from '@sightline/storage';
import { attributeFilterSql, type SqlFragment } from './attribute-filter-sql.js';
import { blocksFromSql } from './bounds-walk.js';
import { firstCallId, lastCallId } from './call-ids.js';
import { callMatchesSql, candidatesFromSql, type SearchWay, searchWay, spanMatchesSql, type TextSearch } from './search-sql.js';

/**
 * SQL for call filters on `llm_calls c`, with the semantics of `callMatches` in
 * @sightline/storage. `traceKeys` are the keys of the trace named by `traceId`, found by the
 * caller through the id index.
 */
export function callFiltersSql(q: CallFilters, projectId: number, traceKeys: readonly number[] | null): SqlFragment {
  const where: string[] = ['c.project_id = ?'];
  const params: unknown[] = [projectId];
  const eq = (column: string, value: unknown) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  if (q.from !== undefined) {
    where.push('c.ts >= ?');
    params.push(q.from);
  }
  if (q.to !== undefined) {
    where.push('c.ts < ?');
    params.push(q.to);
  }
  if (traceKeys !== null) {
    where.push(`(${traceKeys.map(() => 'c.id BETWEEN ? AND ?').join(' OR ') || '0'})`);
    for (const key of traceKeys) params.push(firstCallId(key), lastCallId(key));
  }
  eq('c.provider', q.provider);
  if (q.model !== undefined) {
    where.push('(c.model = ? OR c.request_model = ?)');
    params.push(q.model, q.model);
  }
  eq('c.operation', q.operation);
  eq('c.service', q.service);
  eq('c.session_id', q.sessionId);
  eq('c.user_id', q.userId);
  eq('c.route', q.route);
  if (q.status !== undefined) eq('c.is_error', q.status === 'error' ? 1 : 0);
  if (q.minCostUsd !== undefined) {
    where.push('c.cost_usd >= ?');
    params.push(q.minCostUsd);
  }
  if (q.minDurationMs !== undefined) {
    where.push('c.duration_ms >= ?');
    params.push(q.minDurationMs);
  }
  if (q.attributes?.length) {
    const conds = ['s.trace_key = c.trace_key', 's.span_id = c.span_id'];
    let joinResource = false;
    for (const filter of q.attributes) {
      joinResource ||= filter.target === 'resource';
      const f = attributeFilterSql(filter.target === 'resource' ? 'r.attributes' : 's.attributes', filter);
      conds.push(f.sql);
      params.push(...f.params);
    }
    const from = joinResource ? 'spans s JOIN resources r ON r.id = s.resource_id' : 'spans s';
    where.push(`EXISTS (SELECT 1 FROM ${from} WHERE ${conds.join(' AND ')})`);
  }
  return { sql: where.join(' AND '), params };
}

/** Each call order field as SQL; a value a call lacks sorts after every known one (`sortSql`). */
const CALL_SORT: Record<CallOrderField, string> = {
  timestamp: 'c.ts',
  duration: 'c.duration_ms',
  ttft: 'COALESCE(c.ttft_ms, :unknown)',
  cost: 'COALESCE(c.cost_usd, :unknown)',
  total_tokens: 'COALESCE(c.total_tokens, :unknown)',
  tokens_per_s: 'COALESCE(c.tokens_per_s, :unknown)',
};

/**
 * The call list: filters, keyset paging on the sort value and the row id, `limit + 1` rows.
 * `search` is `q.text` looked up in the index: a call's id is its span's key there. `blocks`,
 * a JSON array of block numbers, keeps to the calls of those blocks (see `walkBlocks`).
 */
export function callQuerySql(
  q: CallQuery,
  projectId: number,
  traceKeys: readonly number[] | null,
  search: TextSearch | null = null,
  blocks: string | null = null,
): SqlFragment {
  if (q.text !== undefined && !search) throw new Error('a text search needs its lookup in the index (SearchProbe.calls)');
  // The reader walks a `sorted` search itself; given one here, the matches do as well.
  const way = search && callSearchWay(q, search);
  const from =
    search && way === 'candidates'
      ? candidatesFromSql(search, 'llm_calls', 'c')
      : blocks !== null
        ? { sql: blocksFromSql('call_bounds', 'c'), params: [blocks] }
        : { sql: 'llm_calls c', params: [] };
  const filters = callFiltersSql(q, projectId, traceKeys);
  const where = [filters.sql];
  const params = [...filters.params];
  if (search && (way === 'matches' || way === 'sorted')) {
    const matches = callMatchesSql(search);
    where.push(matches.sql);
    params.push(...matches.params);
  }
  const order = q.orderBy ?? DEFAULT_CALL_ORDER;
  const sort = sortSql(CALL_SORT[order.field], order.direction);
  const dir = order.direction === 'asc' ? 'ASC' : 'DESC';
  if (q.cursor !== undefined) {
    const position = decodeCursor(q.cursor, order);
    const value = parseCallSortValue(order.field, position.value);
    const cmp = order.direction === 'asc' ? '>' : '<';
    where.push(`(${sort} ${cmp} ? OR (${sort} = ? AND c.id ${cmp} ?))`);
    params.push(value, value, BigInt(position.key));
  }
  if (search && way === 'walk') {
    // Last, so it is asked only of calls that pass every other condition.
    where.push(spanMatchesSql('c.id'));
    params.push(search.match);
  }
  params.push(q.limit + 1);
  return {
    sql: `SELECT c.*, t.trace_id, ${sort} AS sort_value FROM ${from.sql} JOIN traces t ON t.id = c.trace_key
          WHERE ${where.join(' AND ')} ORDER BY ${sort} ${dir}, c.id ${dir} LIMIT ?`,
    params: [...from.params, ...params],
  };
}

/** How the call list applies a search (see `SearchWay`). */
export function callSearchWay(q: CallQuery, search: TextSearch): SearchWay {
  return searchWay(search, (q.orderBy ?? DEFAULT_CALL_ORDER).field === 'timestamp', true);
}

/** Each session order field as SQL; an unknown cost or token count sorts after every known one (`sortSql`). */
const SESSION_SORT: Record<SessionOrderField, string> = {
  last_seen: 's.last_ns',
  first_seen: 's.first_ns',
  duration: '(s.last_ns - s.first_ns)',
  trace_count: 's.trace_count',
  call_count: 's.call_count',
  total_tokens: 'CASE WHEN s.total_known > 0 THEN s.total_tokens ELSE :unknown END',
  cost: 'CASE WHEN s.cost_known > 0 THEN s.cost_usd ELSE :unknown END',
  error_count: 's.error_count',
};

/** The session list, paged like the others. */
export function sessionQuerySql(q: SessionQuery, projectId: number): SqlFragment {
  const where: string[] = ['s.project_id = ?'];
  const params: unknown[] = [projectId];
  if (q.from !== undefined) {
    where.push('s.last_ns >= ?');
    params.push(q.from);
  }
  if (q.to !== undefined) {
    where.push('s.first_ns < ?');
    params.push(q.to);
  }
  if (q.userId !== undefined) {
    where.push('EXISTS (SELECT 1 FROM session_users u WHERE u.session_key = s.id AND u.user_id = ?)');
    params.push(q.userId);
  }
  for (const label of q.labels ?? []) {
    where.push('json_extract(s.labels, ?) = ?');
    params.push(`$."${label.key.replaceAll('"', '""')}"`, label.value);
  }
  const order = q.orderBy ?? DEFAULT_SESSION_ORDER;
  const sort = sortSql(SESSION_SORT[order.field], order.direction);
  const dir = order.direction === 'asc' ? 'ASC' : 'DESC';
  if (q.cursor !== undefined) {
    const position = decodeCursor(q.cursor, order);
    const value = parseSessionSortValue(order.field, position.value);
    const cmp = order.direction === 'asc' ? '>' : '<';
    where.push(`(${sort} ${cmp} ? OR (${sort} = ? AND s.id ${cmp} ?))`);
    params.push(value, value, BigInt(position.key));
  }
  params.push(q.limit + 1);
  return {
    sql: `SELECT s.*, ${sort} AS sort_value FROM sessions s WHERE ${where.join(' AND ')} ORDER BY ${sort} ${dir}, s.id ${dir} LIMIT ?`,
    params,
  };
}

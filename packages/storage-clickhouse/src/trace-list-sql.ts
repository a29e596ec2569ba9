import { DEFAULT_ORDER, decodeCursor, parseSortValue, sortSql, type TraceOrderField, type TraceQuery } from '@sightline/storage';
import { SqlParams } from './query-params.js';
import { hasSpanConditionsOf, spanConditionSql } from './span-condition-sql.js';

/** Each order field as an expression on `traces`, with the ClickHouse type of its cursor values (as `parseSortValue` reads them). */
const ORDER_SQL: Record<TraceOrderField, { expr: string; type: string }> = {
  start_time: { expr: 'start_ns', type: 'Int64' },
  end_time: { expr: 'end_ns', type: 'Int64' },
  duration: { expr: '(end_ns - start_ns)', type: 'Int64' },
  span_count: { expr: 'span_count', type: 'Float64' },
  error_count: { expr: 'error_count', type: 'Float64' },
  trace_id: { expr: 'trace_id', type: 'String' },
  llm_call_count: { expr: 'call_count', type: 'Float64' },
  // A value a trace lacks as `:unknown`, after every known one (see `sortSql`).
  total_tokens: { expr: 'ifNull(toFloat64(total_tokens), :unknown)', type: 'Float64' },
  cost: { expr: 'ifNull(cost_usd, :unknown)', type: 'Float64' },
};

export const TRACE_ID = /^[0-9a-f]{32}$/;

/** The SQL of a trace list page: summaries from `traces`, one more than the page to tell whether more follow. */
export function traceListSql(q: TraceQuery): { sql: string; params: Record<string, unknown>; sortExpr: string } {
  const p = new SqlParams();
  const project = p.add(q.project, 'String');
  const order = q.orderBy ?? DEFAULT_ORDER;
  const { expr: template, type } = ORDER_SQL[order.field];
  const expr = sortSql(template, order.direction);
  const where = [`project = ${project}`];
  if (q.startFrom !== undefined) where.push(`start_ns >= ${p.add(q.startFrom, 'Int64')}`);
  if (q.startTo !== undefined) where.push(`start_ns < ${p.add(q.startTo, 'Int64')}`);
  if (q.minDurationNs !== undefined) where.push(`end_ns - start_ns >= ${p.add(q.minDurationNs, 'Int64')}`);
  if (q.maxDurationNs !== undefined) where.push(`end_ns - start_ns <= ${p.add(q.maxDurationNs, 'Int64')}`);
  if (q.sessionId !== undefined) where.push(`session_id = ${p.add(q.sessionId, 'String')}`);
  if (q.userId !== undefined) where.push(`user_id = ${p.add(q.userId, 'String')}`);
  if (q.model !== undefined || q.provider !== undefined) {
    const calls = [`project = ${project}`];
    if (q.model !== undefined) {
      const model = p.add(q.model, 'String');
      calls.push(`(model = ${model} OR request_model = ${model})`);
    }
    if (q.provider !== undefined) calls.push(`provider = ${p.add(q.provider, 'String')}`);
    // A trace's calls and spans start no earlier than the trace.
    if (q.startFrom !== undefined) calls.push(`timestamp_ns >= ${p.add(q.startFrom, 'Int64')}`);
    where.push(`trace_id IN (SELECT trace_id FROM llm_calls WHERE ${calls.join(' AND ')})`);
  }
  if (hasSpanConditionsOf(q)) {
    const from = q.startFrom === undefined ? '' : ` AND start_ns >= ${p.add(q.startFrom, 'Int64')}`;
    where.push(`trace_id IN (SELECT trace_id FROM span_search WHERE project = ${project}${from} AND ${spanConditionSql(q, p, project)})`);
  }
  if (q.cursor !== undefined) {
    const after = decodeCursor(q.cursor, order, (key) => TRACE_ID.test(key));
    const value = parseSortValue(order.field, after.value);
    const cmp = order.direction === 'asc' ? '>' : '<';
    where.push(`(${expr}, trace_id) ${cmp} (${p.add(value, type)}, ${p.add(after.key, 'String')})`);
  }
  const dir = order.direction === 'asc' ? 'ASC' : 'DESC';
  const offset = q.offset ? ` OFFSET ${p.add(q.offset, 'UInt32')}` : '';
  const sql = `SELECT *, ${expr} AS sort_value FROM traces FINAL WHERE ${where.join(' AND ')}
ORDER BY ${expr} ${dir}, trace_id ${dir} LIMIT ${p.add(q.limit + 1, 'UInt32')}${offset}`;
  return { sql, params: p.values, sortExpr: expr };
}

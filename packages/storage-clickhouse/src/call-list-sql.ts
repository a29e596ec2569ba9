import { type CallOrderField, type CallQuery, DEFAULT_CALL_ORDER, decodeCursor, parseCallSortValue, sortSql } from '@sightline/storage';
import { callFilterSql } from './call-filter-sql.js';
import { SqlParams } from './query-params.js';

/**
 * Each call order field as an expression on `llm_calls` (a value a call lacks as `:unknown`, after
 * every known one: see `sortSql`), with its type for cursor values.
 */
const ORDER_SQL: Record<CallOrderField, { expr: string; type: string }> = {
  timestamp: { expr: 'timestamp_ns', type: 'Int64' },
  duration: { expr: 'duration_ms', type: 'Float64' },
  ttft: { expr: 'ifNull(ttft_ms, :unknown)', type: 'Float64' },
  cost: { expr: 'ifNull(cost_usd, :unknown)', type: 'Float64' },
  total_tokens: { expr: 'ifNull(toFloat64(total_tokens), :unknown)', type: 'Float64' },
  // Kept with the call's other figures as ingest read them (the `figures` JSON).
  tokens_per_s: { expr: "ifNull(JSONExtract(figures, 'tokensPerS', 'Nullable(Float64)'), :unknown)", type: 'Float64' },
};

/** A call's key in cursors: its trace id and span id. */
export const CALL_KEY = /^[0-9a-f]{48}$/;

/** The SQL of a page of the call list (one more row than the page, to tell whether more follow). */
export function callListSql(q: CallQuery): { sql: string; params: Record<string, unknown> } {
  const p = new SqlParams();
  const where = callFilterSql(q, p);
  const order = q.orderBy ?? DEFAULT_CALL_ORDER;
  const { expr: template, type } = ORDER_SQL[order.field];
  const expr = sortSql(template, order.direction);
  const dir = order.direction === 'asc' ? 'ASC' : 'DESC';
  if (q.cursor !== undefined) {
    const after = decodeCursor(q.cursor, order, (key) => CALL_KEY.test(key));
    const value = parseCallSortValue(order.field, after.value);
    where.push(`(${expr}, concat(trace_id, span_id)) ${dir === 'ASC' ? '>' : '<'} (${p.add(value, type)}, ${p.add(after.key, 'String')})`);
  }
  const sql = `SELECT *, ${expr} AS sort_value FROM llm_calls FINAL WHERE ${where.join(' AND ')}
ORDER BY ${expr} ${dir}, trace_id ${dir}, span_id ${dir} LIMIT ${p.add(q.limit + 1, 'UInt32')}`;
  return { sql, params: p.values };
}

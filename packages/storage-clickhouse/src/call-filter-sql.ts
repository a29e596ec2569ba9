import type { CallFilters } from '@sightline/storage';
import type { SqlParams } from './query-params.js';
import { spanConditionSql } from './span-condition-sql.js';

/**
 * Call filters (and free text) as conditions on `llm_calls`, with the meaning `callQueryMatches`
 * gives them; conditions on the call's span (attributes, text) through the span's row.
 */
export function callFilterSql(f: CallFilters & { readonly text?: string }, p: SqlParams): string[] {
  const project = p.add(f.project, 'String');
  const where = [`project = ${project}`];
  if (f.from !== undefined) where.push(`timestamp_ns >= ${p.add(f.from, 'Int64')}`);
  if (f.to !== undefined) where.push(`timestamp_ns < ${p.add(f.to, 'Int64')}`);
  if (f.traceId !== undefined) where.push(`trace_id = ${p.add(f.traceId, 'String')}`);
  if (f.provider !== undefined) where.push(`provider = ${p.add(f.provider, 'String')}`);
  if (f.model !== undefined) {
    const model = p.add(f.model, 'String');
    where.push(`(model = ${model} OR request_model = ${model})`);
  }
  if (f.operation !== undefined) where.push(`operation = ${p.add(f.operation, 'String')}`);
  if (f.service !== undefined) where.push(`service = ${p.add(f.service, 'String')}`);
  if (f.sessionId !== undefined) where.push(`session_id = ${p.add(f.sessionId, 'String')}`);
  if (f.userId !== undefined) where.push(`user_id = ${p.add(f.userId, 'String')}`);
  if (f.route !== undefined) where.push(`route = ${p.add(f.route, 'String')}`);
  if (f.status !== undefined) where.push(`is_error = ${f.status === 'error' ? 1 : 0}`);
  if (f.minCostUsd !== undefined) where.push(`cost_usd >= ${p.add(f.minCostUsd, 'Float64')}`);
  if (f.minDurationMs !== undefined) where.push(`duration_ms >= ${p.add(f.minDurationMs, 'Float64')}`);
  if ((f.attributes?.length ?? 0) > 0 || f.text !== undefined) {
    const onSpan = spanConditionSql({ attributes: f.attributes, text: f.text }, p, project);
    // A call's time is its span's start.
    const from = f.from === undefined ? '' : ` AND start_ns >= ${p.add(f.from, 'Int64')}`;
    const to = f.to === undefined ? '' : ` AND start_ns < ${p.add(f.to, 'Int64')}`;
    where.push(`(trace_id, span_id) IN (SELECT trace_id, span_id FROM span_search WHERE project = ${project}${from}${to} AND ${onSpan})`);
  }
  return where;
}

import type { CallFilters, MetricsGroupBy } from '@sightline/storage';
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

const HOUR_NS = 3_600_000_000_000;
const DAY_NS = 86_400_000_000_000;

/** The group a call of `llm_calls` falls in (see `metricsKey`), as text or null. */
export function metricsKeySql(groupBy: MetricsGroupBy | undefined): string {
  switch (groupBy) {
    case undefined:
      return 'CAST(NULL AS Nullable(String))';
    case 'model':
      return 'coalesce(model, request_model)';
    case 'provider':
      return 'CAST(provider AS Nullable(String))';
    case 'service':
      return 'CAST(service AS Nullable(String))';
    case 'route':
      return 'route';
    case 'operation':
      return 'CAST(operation AS Nullable(String))';
    case 'session':
      return 'session_id';
    case 'user':
      return 'user_id';
    case 'hour':
    case 'day':
      return `toString(${timeBucketSql(groupBy)})`;
  }
}

/** The start of the UTC hour or day of a call (timestamps before 1970 are not kept apart). */
export function timeBucketSql(bucket: 'hour' | 'day'): string {
  const size = bucket === 'hour' ? HOUR_NS : DAY_NS;
  return `(intDiv(timestamp_ns, ${size}) * ${size})`;
}

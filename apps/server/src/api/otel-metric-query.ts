import { MAX_TIME_NS } from '@sightline/core';
import type { MetricAggregation } from '@sightline/storage';
import { badRequest } from '../http/http-error.js';
import { QueryParams } from './query-params.js';

const S = 1_000_000_000n;
/** How far back the list and a query reach when no `start` is given. */
const DEFAULT_RANGE_NS = 24n * 3600n * S;
/** Points one group's time series may have. */
export const MAX_STEPS = 1_000;
/** Points a series gets when no `step` is given (rounded to a whole step below). */
const DEFAULT_STEPS = 60;
const STEP_CHOICES_S = [1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800];
const MAX_GROUP_BY = 5;
const MAX_WHERE = 10;

/** `GET /api/otel-metrics`: `start`, `end`. */
export function parseMetricListQuery(params: URLSearchParams, now: () => number = Date.now): { start: bigint; end: bigint } {
  const p = new QueryParams(params);
  p.string('name');
  const range = parseRange(p, now);
  p.check();
  return range;
}

/**
 * `GET /api/otel-metrics?name=`: `group_by` (comma-separated attribute keys), `attr.<key>=value`
 * filters, `start` (default a day before `end`), `end` (default now), `step` (a duration such as
 * `30s` or `5m`; default about a sixtieth of the range), `limit` (groups, default 100).
 */
export function parseMetricQuery(params: URLSearchParams, now: () => number = Date.now): { name: string; aggregation: MetricAggregation } {
  const p = new QueryParams(params);
  const name = p.string('name');
  if (name === undefined) throw badRequest('query parameter "name" is required');
  const groupBy = (p.string('group_by') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (groupBy.length > MAX_GROUP_BY) throw badRequest(`query parameter "group_by": at most ${MAX_GROUP_BY} keys, got ${groupBy.length}`);
  if (new Set(groupBy).size !== groupBy.length) throw badRequest('query parameter "group_by" names a key twice');
  const where = p.withPrefix('attr.').map(([key, value]) => {
    if (key === '') throw badRequest('query parameter "attr.": name an attribute key after "attr."');
    return { key, value };
  });
  if (where.length > MAX_WHERE) throw badRequest(`query parameters "attr.*": at most ${MAX_WHERE} filters, got ${where.length}`);
  const { start, end } = parseRange(p, now);
  const stepText = p.string('step');
  const stepNanos = stepText === undefined ? defaultStep(end - start) : parseStep(stepText);
  const steps = (end - start + stepNanos - 1n) / stepNanos;
  if (steps > BigInt(MAX_STEPS))
    throw badRequest(`query parameter "step": the range holds ${steps} steps of ${stepText}, more than ${MAX_STEPS}; use a longer step`);
  const limit = p.integer('limit', 1, 1000) ?? 100;
  p.check();
  return { name, aggregation: { groupBy, where, startUnixNano: start, endUnixNano: end, stepNanos, limit } };
}

function parseRange(p: QueryParams, now: () => number): { start: bigint; end: bigint } {
  const end = p.time('end', now) ?? BigInt(now()) * 1_000_000n;
  const start = p.time('start', now) ?? (end > DEFAULT_RANGE_NS ? end - DEFAULT_RANGE_NS : 0n);
  if (start >= end) throw badRequest('query parameters "start" and "end": start must be before end');
  return { start, end };
}

/** A step such as `30s`, `5m`, `1h`, `1d`, or a number of seconds. */
function parseStep(text: string): bigint {
  const m = /^(\d+)(s|m|h|d)?$/.exec(text);
  const unit = { s: 1n, m: 60n, h: 3600n, d: 86400n }[(m?.[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  const n = m ? BigInt(m[1] as string) * unit : 0n;
  if (n <= 0n || n * S > MAX_TIME_NS) throw badRequest(`query parameter "step" must be a duration like 30s, 5m or 1h, got "${text}"`);
  return n * S;
}

/** The shortest of the usual steps that gives at most about {@link DEFAULT_STEPS} points. */
function defaultStep(rangeNs: bigint): bigint {
  for (const s of STEP_CHOICES_S) if (BigInt(s) * S * BigInt(DEFAULT_STEPS) >= rangeNs) return BigInt(s) * S;
  const days = rangeNs / (86400n * S * BigInt(MAX_STEPS)) + 1n;
  return days * 86400n * S;
}

import {
  CALL_ORDER_FIELDS,
  type CallFilters,
  type CallOrderField,
  type CallQuery,
  DEFAULT_PAGE_SIZE,
  GROUP_RANKS,
  MAX_PAGE_SIZE,
  METRICS_GROUP_BY,
  type MetricsQuery,
  SESSION_ORDER_FIELDS,
  type SessionOrderField,
  type SessionQuery,
} from '@sightline/storage';
import { badRequest } from '../http/http-error.js';
import { parseAttributeFilters, parseSortOrder } from './filter-params.js';
import { hexIdParam, MAX_COST_USD, MAX_DURATION_MS, QueryParams } from './query-params.js';
import { searchParam } from './search-param.js';

/**
 * The filters shared by `GET /api/llm-calls` and `GET /api/metrics`: `start`, `end`, `trace_id`,
 * `provider`, `model` (requested or served), `operation`, `service`, `session_id`, `user_id`,
 * `route`, `status` (`error` | `ok`), `min_cost_usd`, `min_duration_ms`, `attr.<key>` and
 * `resource.<key>`.
 */
export function parseCallFilters(p: QueryParams, project: string): CallFilters {
  const traceIdText = p.string('trace_id');
  const traceId = traceIdText === undefined ? undefined : hexIdParam('query parameter "trace_id"', traceIdText, 32);
  return {
    project,
    from: p.time('start'),
    to: p.time('end'),
    traceId,
    provider: p.string('provider'),
    model: p.string('model'),
    operation: p.string('operation'),
    service: p.string('service'),
    sessionId: p.string('session_id'),
    userId: p.string('user_id'),
    route: p.string('route'),
    status: p.oneOf('status', ['error', 'ok'] as const),
    minCostUsd: p.number('min_cost_usd', 0, MAX_COST_USD),
    minDurationMs: p.number('min_duration_ms', 0, MAX_DURATION_MS),
    attributes: parseAttributeFilters(p),
  };
}

/** `GET /api/llm-calls`: the filters, `q` (free text), `order_by=<timestamp|duration|ttft|cost|total_tokens|tokens_per_s>[:asc|desc]`, `limit`, `cursor`. */
export function parseCallQuery(params: URLSearchParams, project: string): CallQuery {
  const p = new QueryParams(params);
  const query: CallQuery = {
    ...parseCallFilters(p, project),
    text: searchParam(p),
    orderBy: parseSortOrder(p.string('order_by'), CALL_ORDER_FIELDS) as { field: CallOrderField; direction: 'asc' | 'desc' } | undefined,
    limit: p.integer('limit', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE,
    cursor: p.string('cursor'),
  };
  p.check();
  return query;
}

/** `GET /api/metrics`: the filters, `group_by`, `limit` on the number of groups, and `rank_by` (which come first). */
export function parseMetricsQuery(params: URLSearchParams, project: string): MetricsQuery {
  const p = new QueryParams(params);
  const query: MetricsQuery = {
    ...parseCallFilters(p, project),
    groupBy: p.oneOf('group_by', METRICS_GROUP_BY),
    limit: p.integer('limit', 1, MAX_PAGE_SIZE),
    rankBy: p.oneOf('rank_by', GROUP_RANKS),
  };
  p.check();
  return query;
}

/** The most `label.<key>` filters one sessions query takes. */
const MAX_LABEL_FILTERS = 10;
const LABEL_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * `GET /api/sessions`: `start` (last seen at or after), `end` (first seen before), `user_id`,
 * `label.<key>=<value>` (sessions with that label), `order_by`, `limit`, `cursor`.
 */
export function parseSessionQuery(params: URLSearchParams, project: string): SessionQuery {
  const p = new QueryParams(params);
  const query: SessionQuery = {
    project,
    from: p.time('start'),
    to: p.time('end'),
    userId: p.string('user_id'),
    labels: parseLabelFilters(p),
    orderBy: parseSortOrder(p.string('order_by'), SESSION_ORDER_FIELDS) as
      | { field: SessionOrderField; direction: 'asc' | 'desc' }
      | undefined,
    limit: p.integer('limit', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE,
    cursor: p.string('cursor'),
  };
  p.check();
  return query;
}

function parseLabelFilters(p: QueryParams): { key: string; value: string }[] | undefined {
  const labels = p.withPrefix('label.').map(([key, value]) => {
    if (!LABEL_KEY.test(key)) throw badRequest(`query parameter "label.${key}": a label key is 1 to 128 letters, digits and _ . : -`);
    return { key, value };
  });
  if (labels.length > MAX_LABEL_FILTERS) throw badRequest(`query parameters "label.*": at most ${MAX_LABEL_FILTERS}, got ${labels.length}`);
  if (new Set(labels.map((l) => l.key)).size !== labels.length) throw badRequest('query parameters "label.*" name a key twice');
  return labels.length ? labels : undefined;
}

import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, TRACE_ORDER_FIELDS, type TraceOrder, type TraceQuery } from '@sightline/storage';
import { parseAttributeFilters, parseSortOrder } from './filter-params.js';
import { MAX_DURATION_MS, QueryParams } from './query-params.js';
import { searchParam } from './search-param.js';

/**
 * `GET /api/traces` parameters → a {@link TraceQuery}:
 * `start`, `end`, `service`, `name`, `status`, `session_id`, `user_id`, `model`, `provider`, `min_duration_ms`, `max_duration_ms`,
 * `attr.<key>=<op>:<value>` (span attribute) and `resource.<key>=<op>:<value>`, `q` (free text),
 * `order_by=<field>[:asc|desc]`, `limit`, `cursor`.
 */
export function parseTraceQuery(params: URLSearchParams, project: string): TraceQuery {
  const p = new QueryParams(params);
  const minMs = p.number('min_duration_ms', 0, MAX_DURATION_MS);
  const maxMs = p.number('max_duration_ms', 0, MAX_DURATION_MS);
  const query: TraceQuery = {
    project,
    startFrom: p.time('start'),
    startTo: p.time('end'),
    service: p.string('service'),
    spanName: p.string('name'),
    status: p.oneOf('status', ['unset', 'ok', 'error'] as const),
    sessionId: p.string('session_id'),
    userId: p.string('user_id'),
    model: p.string('model'),
    provider: p.string('provider'),
    minDurationNs: minMs === undefined ? undefined : BigInt(Math.round(minMs * 1e6)),
    maxDurationNs: maxMs === undefined ? undefined : BigInt(Math.round(maxMs * 1e6)),
    attributes: parseAttributeFilters(p),
    text: searchParam(p),
    orderBy: parseOrder(p.string('order_by')),
    limit: p.integer('limit', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE,
    cursor: p.string('cursor'),
  };
  p.check();
  return query;
}

/** `field`, `field:asc|desc`, or `-field` (descending). Defaults to descending. */
export function parseOrder(text: string | undefined): TraceOrder | undefined {
  return parseSortOrder(text, TRACE_ORDER_FIELDS) as TraceOrder | undefined;
}

import {
  type AttributeFilter,
  DEFAULT_PAGE_SIZE,
  FILTER_OPS,
  type FilterOp,
  MAX_PAGE_SIZE,
  TRACE_ORDER_FIELDS,
  type TraceOrder,
  type TraceOrderField,
  type TraceQuery,
} from '@sightline/storage';
import { badRequest } from '../http/http-error.js';
import { QueryParams } from './query-params.js';

const OP_RE = new RegExp(`^(${FILTER_OPS.join('|')})(?::(.*))?$`, 's');

/**
 * `GET /api/traces` parameters → a {@link TraceQuery}:
 * `start`, `end`, `service`, `name`, `status`, `min_duration_ms`, `max_duration_ms`,
 * `attr.<key>=<op>:<value>` (span attribute) and `resource.<key>=<op>:<value>`,
 * `order_by=<field>[:asc|desc]`, `limit`, `cursor`.
 */
export function parseTraceQuery(params: URLSearchParams, project: string): TraceQuery {
  const p = new QueryParams(params);
  const minMs = p.number('min_duration_ms', 0);
  const maxMs = p.number('max_duration_ms', 0);
  const query: TraceQuery = {
    project,
    startFrom: p.time('start'),
    startTo: p.time('end'),
    service: p.string('service'),
    spanName: p.string('name'),
    status: p.oneOf('status', ['unset', 'ok', 'error'] as const),
    minDurationNs: minMs === undefined ? undefined : BigInt(Math.round(minMs * 1e6)),
    maxDurationNs: maxMs === undefined ? undefined : BigInt(Math.round(maxMs * 1e6)),
    attributes: [
      ...p.withPrefix('attr.').map(([key, value]) => parseFilter('span', key, value, 'attr.')),
      ...p.withPrefix('resource.').map(([key, value]) => parseFilter('resource', key, value, 'resource.')),
    ],
    orderBy: parseOrder(p.string('order_by')),
    limit: p.integer('limit', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE,
    cursor: p.string('cursor'),
  };
  p.check();
  return query;
}

/** `<op>:<value>`, `exists`, or a bare value meaning `eq`. */
export function parseFilter(target: 'span' | 'resource', key: string, text: string, prefix: string): AttributeFilter {
  if (key === '') throw badRequest(`query parameter "${prefix}" needs an attribute key, like ${prefix}gen_ai.request.model=eq:gpt-4o`);
  const m = OP_RE.exec(text);
  if (!m) return { target, key, op: 'eq', value: text };
  const op = m[1] as FilterOp;
  const value = m[2];
  if (op === 'exists') return { target, key, op };
  if (value === undefined || value === '')
    throw badRequest(`query parameter "${prefix}${key}": operator "${op}" needs a value, like ${op}:42`);
  return { target, key, op, value };
}

/** `field`, `field:asc|desc`, or `-field` (descending). Defaults to descending. */
export function parseOrder(text: string | undefined): TraceOrder | undefined {
  if (text === undefined) return undefined;
  let field = text;
  let direction: 'asc' | 'desc' = 'desc';
  if (field.startsWith('-')) field = field.slice(1);
  else if (field.endsWith(':asc') || field.endsWith(':desc')) {
    direction = field.endsWith(':asc') ? 'asc' : 'desc';
    field = field.slice(0, field.lastIndexOf(':'));
  }
  if (!(TRACE_ORDER_FIELDS as readonly string[]).includes(field)) {
    throw badRequest(
      `query parameter "order_by" must be one of ${TRACE_ORDER_FIELDS.join(', ')} (optionally :asc or :desc), got "${text}"`,
    );
  }
  return { field: field as TraceOrderField, direction };
}

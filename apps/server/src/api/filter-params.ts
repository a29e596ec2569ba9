import { type AttributeFilter, FILTER_OPS, type FilterOp, type SortOrder } from '@sightline/storage';
import { badRequest } from '../http/http-error.js';
import type { QueryParams } from './query-params.js';

const OP_RE = new RegExp(`^(${FILTER_OPS.join('|')})(?::(.*))?$`, 's');

/**
 * Most attribute filters one query may carry: far more than anyone writes by hand, and well
 * below the ~1,000 conditions where SQLite refuses the query ("expression tree is too large").
 */
export const MAX_ATTRIBUTE_FILTERS = 50;

/** The `attr.<key>` (span attribute) and `resource.<key>` filters, at most {@link MAX_ATTRIBUTE_FILTERS}. */
export function parseAttributeFilters(p: QueryParams): AttributeFilter[] {
  const filters = [
    ...p.withPrefix('attr.').map(([key, value]) => parseFilter('span', key, value, 'attr.')),
    ...p.withPrefix('resource.').map(([key, value]) => parseFilter('resource', key, value, 'resource.')),
  ];
  if (filters.length > MAX_ATTRIBUTE_FILTERS)
    throw badRequest(
      `query parameters "attr.*" and "resource.*": at most ${MAX_ATTRIBUTE_FILTERS} attribute filters per request, got ${filters.length}`,
    );
  return filters;
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

/** `field`, `field:asc|desc`, or `-field`. Defaults to descending. */
export function parseSortOrder(text: string | undefined, fields: readonly string[]): SortOrder | undefined {
  if (text === undefined) return undefined;
  let field = text;
  let direction: 'asc' | 'desc' = 'desc';
  if (field.startsWith('-')) field = field.slice(1);
  else if (field.endsWith(':asc') || field.endsWith(':desc')) {
    direction = field.endsWith(':asc') ? 'asc' : 'desc';
    field = field.slice(0, field.lastIndexOf(':'));
  }
  if (!fields.includes(field))
    throw badRequest(`query parameter "order_by" must be one of ${fields.join(', ')} (optionally :asc or :desc), got "${text}"`);
  return { field, direction };
}

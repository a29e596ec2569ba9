import { nanosToIso } from '@sightline/core';
import type { AttributeFilter, TraceReader, TraceSummary, TreeLayout } from '@sightline/storage';
import { MAX_ATTRIBUTE_FILTERS } from '../api/filter-params.js';
import { field } from '../api/json-body.js';
import { badRequest, notFound } from '../http/http-error.js';
import { parseCondition } from './llama-span.js';

/** Most attribute keys a request may name in `attributes_to_return` or `attributes_to_save`. */
export const MAX_ATTRIBUTE_KEYS = 200;

/** `attribute_filters`: at most {@link MAX_ATTRIBUTE_FILTERS}, each `{key, op, value}`. */
export function parseFilters(body: Record<string, unknown>, required = false): AttributeFilter[] {
  const conditions = field.array(body, 'attribute_filters');
  if (conditions === undefined && required) throw badRequest('field "attribute_filters" is required');
  const list = conditions ?? [];
  if (list.length > MAX_ATTRIBUTE_FILTERS)
    throw badRequest(`field "attribute_filters": at most ${MAX_ATTRIBUTE_FILTERS} filters per request, got ${list.length}`);
  return list.map(parseCondition);
}

/** A list of attribute keys (`attributes_to_return`, `attributes_to_save`); undefined when absent and not required. */
export function parseKeys(body: Record<string, unknown>, name: string, required = false): string[] | undefined {
  const keys = field.array(body, name);
  if (keys === undefined) {
    if (required) throw badRequest(`field "${name}" is required`);
    return undefined;
  }
  if (keys.length > MAX_ATTRIBUTE_KEYS) throw badRequest(`field "${name}": at most ${MAX_ATTRIBUTE_KEYS} keys, got ${keys.length}`);
  return keys.map((k, i) => {
    if (typeof k !== 'string') throw badRequest(`field "${name}[${i}]" must be a string`);
    return k;
  });
}

/**
 * `max_depth` as Sightline counts it: Llama Stack counts the span itself as depth 1, Sightline
 * counts levels below it.
 */
export function parseMaxDepth(body: Record<string, unknown>): number | undefined {
  const maxDepth = field.integer(body, 'max_depth', 1, 10_000);
  return maxDepth === undefined ? undefined : maxDepth - 1;
}

/** A trace as Llama Stack shows it. */
export function llamaTrace(t: TraceSummary) {
  return {
    trace_id: t.traceId,
    root_span_id: t.rootSpanId,
    start_time: nanosToIso(t.startTimeUnixNano),
    end_time: nanosToIso(t.endTimeUnixNano),
  };
}

/**
 * The tree under `spanId` a get-span-tree body asks for (`max_depth`, the span itself depth 1);
 * 404 when the project has no such span.
 */
export async function requestedTree(
  reader: TraceReader,
  project: string,
  spanId: string,
  body: Record<string, unknown>,
): Promise<TreeLayout> {
  const layout = await reader.getTreeLayout({ project, spanId, maxDepth: parseMaxDepth(body) });
  if (!layout) throw notFound(`span ${spanId} not found`);
  return layout;
}

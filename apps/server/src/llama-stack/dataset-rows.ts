import { nanosToIso } from '@sightline/core';
import type { StoredSpan } from '@sightline/storage';
import { type Json, valueToJson } from '../api/json-values.js';
import { badRequest } from '../http/http-error.js';

/** The longest dataset name taken. */
export const MAX_DATASET_NAME = 256;

/**
 * A dataset name: 1..256 characters, no `/` (it is a path segment of `/api/datasets/{name}`)
 * and no control characters.
 */
export function parseDatasetName(name: string, what: string): string {
  if (name.length === 0 || name.length > MAX_DATASET_NAME)
    throw badRequest(`${what} must be 1 to ${MAX_DATASET_NAME} characters, got ${name.length}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[/\u0000-\u001f\u007f]/.test(name)) throw badRequest(`${what} must not contain "/" or control characters`);
  return name;
}

/**
 * A span as a dataset row, as Llama Stack's `save_spans_to_dataset` writes it: its ids, name
 * and times, then each saved attribute as a column of its own (an attribute named like one of
 * those fields replaces it, as in Llama Stack).
 */
export function datasetRow(span: StoredSpan, keys: readonly string[]): { [key: string]: Json } {
  // No prototype, so an attribute named __proto__ stays a column.
  const row = Object.create(null) as Record<string, Json>;
  row.trace_id = span.traceId;
  row.span_id = span.spanId;
  row.parent_span_id = span.parentSpanId;
  row.name = span.name;
  row.start_time = nanosToIso(span.startTimeUnixNano);
  row.end_time = nanosToIso(span.endTimeUnixNano);
  for (const k of keys) row[k] = valueToJson(span.attributes[k] ?? null);
  return row;
}

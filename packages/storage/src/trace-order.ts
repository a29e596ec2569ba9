import { InvalidCursorError } from './errors.js';
import { pageByKeyset, parseBigIntValue, parseNumberValue, type SortValue, unknownSortValue } from './keyset-page.js';
import type { TraceOrder, TraceOrderField } from './query.js';
import type { Page, TraceSummary } from './results.js';

/**
 * A summary's value for a sort field. Costs and token totals that are unknown sort after every
 * known value (see `unknownSortValue`).
 */
export function sortValue(summary: TraceSummary, field: TraceOrderField, direction: 'asc' | 'desc'): SortValue {
  switch (field) {
    case 'start_time':
      return summary.startTimeUnixNano;
    case 'end_time':
      return summary.endTimeUnixNano;
    case 'duration':
      return summary.endTimeUnixNano - summary.startTimeUnixNano;
    case 'span_count':
      return summary.spanCount;
    case 'error_count':
      return summary.errorCount;
    case 'trace_id':
      return summary.traceId;
    case 'llm_call_count':
      return summary.llmCallCount;
    case 'total_tokens':
      return summary.totalTokens ?? unknownSortValue(direction);
    case 'cost':
      return summary.costUsd ?? unknownSortValue(direction);
  }
}

/** Parses a cursor's sort value back into the field's type. */
export function parseSortValue(field: TraceOrderField, text: string): SortValue {
  switch (field) {
    case 'trace_id':
      if (!/^[0-9a-f]{32}$/.test(text)) throw new InvalidCursorError();
      return text;
    case 'span_count':
    case 'error_count':
    case 'llm_call_count':
    case 'total_tokens':
    case 'cost':
      return parseNumberValue(text);
    default:
      return parseBigIntValue(text);
  }
}

/** Orders, pages and cursors a full list of matching summaries (see `pageByKeyset`). */
export function pageSummaries<T extends TraceSummary>(
  matches: T[],
  order: TraceOrder,
  keyOf: (t: T) => number,
  limit: number,
  cursor?: string,
  offset?: number,
): Page<T> {
  return pageByKeyset(
    matches,
    order,
    (t) => sortValue(t, order.field, order.direction),
    (text) => parseSortValue(order.field, text),
    keyOf,
    limit,
    cursor,
    offset,
  );
}

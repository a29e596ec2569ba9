import type { LlmCall } from '@sightline/core';
import type { CallOrderField, SessionOrderField } from './call-query.js';
import type { SessionSummary } from './call-results.js';
import { parseBigIntValue, parseNumberValue, type SortValue, unknownSortValue } from './keyset-page.js';

/** A call's value for a sort field; unknown values sort after every known one (see `unknownSortValue`). */
export function callSortValue(call: LlmCall, field: CallOrderField, direction: 'asc' | 'desc'): SortValue {
  const unknown = unknownSortValue(direction);
  switch (field) {
    case 'timestamp':
      return call.timestamp;
    case 'duration':
      return call.durationMs;
    case 'ttft':
      return call.ttftMs ?? unknown;
    case 'cost':
      return call.costUsd ?? unknown;
    case 'total_tokens':
      return call.totalTokens ?? unknown;
    case 'tokens_per_s':
      return call.tokensPerS ?? unknown;
  }
}

export function parseCallSortValue(field: CallOrderField, text: string): SortValue {
  return field === 'timestamp' ? parseBigIntValue(text) : parseNumberValue(text);
}

/** A session's value for a sort field; an unknown cost or token count sorts after every known one. */
export function sessionSortValue(s: SessionSummary, field: SessionOrderField, direction: 'asc' | 'desc'): SortValue {
  const unknown = unknownSortValue(direction);
  switch (field) {
    case 'last_seen':
      return s.lastSeenUnixNano;
    case 'first_seen':
      return s.firstSeenUnixNano;
    case 'duration':
      return s.lastSeenUnixNano - s.firstSeenUnixNano;
    case 'trace_count':
      return s.traceCount;
    case 'call_count':
      return s.callCount;
    case 'total_tokens':
      return s.totalTokens ?? unknown;
    case 'cost':
      return s.costUsd ?? unknown;
    case 'error_count':
      return s.errorCount;
  }
}

export function parseSessionSortValue(field: SessionOrderField, text: string): SortValue {
  return field === 'last_seen' || field === 'first_seen' || field === 'duration' ? parseBigIntValue(text) : parseNumberValue(text);
}

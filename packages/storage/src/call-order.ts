import type { LlmCall } from '@sightline/core';
import type { CallOrderField, SessionOrderField } from './call-query.js';
import type { SessionSummary } from './call-results.js';
import { parseBigIntValue, parseNumberValue, type SortValue } from './keyset-page.js';

/** A call's value for a sort field; unknown values sort as -1, below every known one. */
export function callSortValue(call: LlmCall, field: CallOrderField): SortValue {
  switch (field) {
    case 'timestamp':
      return call.timestamp;
    case 'duration':
      return call.durationMs;
    case 'ttft':
      return call.ttftMs ?? -1;
    case 'cost':
      return call.costUsd ?? -1;
    case 'total_tokens':
      return call.totalTokens ?? -1;
    case 'tokens_per_s':
      return call.tokensPerS ?? -1;
  }
}

export function parseCallSortValue(field: CallOrderField, text: string): SortValue {
  return field === 'timestamp' ? parseBigIntValue(text) : parseNumberValue(text);
}

/** A session's value for a sort field; an unpriced session's cost sorts as -1. */
export function sessionSortValue(s: SessionSummary, field: SessionOrderField): SortValue {
  switch (field) {
    case 'last_seen':
      return s.lastSeenUnixNano;
    case 'first_seen':
      return s.firstSeenUnixNano;
    case 'call_count':
      return s.callCount;
    case 'cost':
      return s.costUsd ?? -1;
  }
}

export function parseSessionSortValue(field: SessionOrderField, text: string): SortValue {
  return field === 'last_seen' || field === 'first_seen' ? parseBigIntValue(text) : parseNumberValue(text);
}

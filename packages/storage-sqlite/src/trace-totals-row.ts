import type { CallTotals } from '@sightline/storage';
import { num } from './call-rows.js';

/** The columns of a trace row that hold its calls' totals. */
export const CALL_TOTAL_COLUMNS =
  'llm_call_count, llm_error_count, input_tokens, output_tokens, total_tokens, cost_usd, session_id, user_id, session_key';

/** Those columns as read (integers as bigint). */
export interface TraceTotalsRow {
  llm_call_count: bigint;
  llm_error_count: bigint;
  input_tokens: bigint | null;
  output_tokens: bigint | null;
  total_tokens: bigint | null;
  cost_usd: number | null;
  session_id: string | null;
  user_id: string | null;
}

export function totalsOf(row: TraceTotalsRow): CallTotals {
  return {
    llmCallCount: Number(row.llm_call_count),
    errorCount: Number(row.llm_error_count),
    inputTokens: num(row.input_tokens),
    outputTokens: num(row.output_tokens),
    totalTokens: num(row.total_tokens),
    costUsd: num(row.cost_usd),
    sessionId: row.session_id,
    userId: row.user_id,
  };
}

/** The trace id index key: the project id (4 bytes, big-endian) then the 16-byte trace id. */
export function traceIndexKey(projectId: number, traceId: Uint8Array): Uint8Array {
  const key = new Uint8Array(20);
  new DataView(key.buffer).setUint32(0, projectId);
  key.set(traceId, 4);
  return key;
}

import { type Attributes, type LlmCall, sessionDetailsOf } from '@sightline/core';
import { encodeSourceCost } from './call-rows.js';
import { CALL_NUMS, CALL_STRINGS, CN, CS, type EncodedCalls } from './encoded-batch.js';

/** Turns calls into columns; each call is matched to its span's index among the group's `spanCount` spans. */
export function encodeCalls(
  calls: readonly LlmCall[],
  spanCount: number,
  spanIndex: (spanId: string) => number | undefined,
  spanAttributes: (index: number) => Attributes = () => ({}),
): EncodedCalls | null {
  if (calls.length === 0) return null;
  const callOf = new Int32Array(spanCount).fill(-1);
  const nums = new Float64Array(calls.length * CALL_NUMS);
  const refs = new Int32Array(calls.length * CALL_STRINGS);
  const table: string[] = [];
  const index = new Map<string, number>();
  const ref = (text: string | null): number => {
    if (text === null) return -1;
    let i = index.get(text);
    if (i === undefined) {
      i = table.push(text) - 1;
      index.set(text, i);
    }
    return i;
  };
  let count = 0;
  for (const c of calls) {
    const at = spanIndex(c.spanId);
    if (at === undefined) continue;
    callOf[at] = count;
    const n = count * CALL_NUMS;
    const b = c.costBreakdown;
    nums[n + CN.InputTokens] = c.inputTokens ?? Number.NaN;
    nums[n + CN.OutputTokens] = c.outputTokens ?? Number.NaN;
    nums[n + CN.TotalTokens] = c.totalTokens ?? Number.NaN;
    nums[n + CN.CacheReadTokens] = c.cacheReadTokens ?? Number.NaN;
    nums[n + CN.CacheWriteTokens] = c.cacheWriteTokens ?? Number.NaN;
    nums[n + CN.ReasoningTokens] = c.reasoningTokens ?? Number.NaN;
    nums[n + CN.TtftMs] = c.ttftMs ?? Number.NaN;
    nums[n + CN.DurationMs] = c.durationMs;
    nums[n + CN.TokensPerS] = c.tokensPerS ?? Number.NaN;
    nums[n + CN.CostUsd] = c.costUsd ?? Number.NaN;
    nums[n + CN.CostInput] = b?.input ?? Number.NaN;
    nums[n + CN.CostCacheRead] = b?.cacheRead ?? Number.NaN;
    nums[n + CN.CostCacheWrite] = b?.cacheWrite ?? Number.NaN;
    nums[n + CN.CostOutput] = b?.output ?? Number.NaN;
    nums[n + CN.CostReasoning] = b?.reasoning ?? Number.NaN;
    nums[n + CN.IsError] = c.isError ? 1 : 0;
    const s = count * CALL_STRINGS;
    refs[s + CS.Vocabulary] = ref(c.vocabulary);
    refs[s + CS.Provider] = ref(c.provider);
    refs[s + CS.HostProvider] = ref(c.hostProvider);
    refs[s + CS.RequestModel] = ref(c.requestModel);
    refs[s + CS.Model] = ref(c.model);
    refs[s + CS.Operation] = ref(c.operation);
    refs[s + CS.RequestId] = ref(c.requestId);
    refs[s + CS.SessionId] = ref(c.sessionId);
    refs[s + CS.UserId] = ref(c.userId);
    refs[s + CS.Route] = ref(c.routeName);
    refs[s + CS.CostSource] = ref(c.costSource);
    refs[s + CS.PriceModel] = ref(c.priceModel);
    refs[s + CS.SourceCost] = ref(encodeSourceCost(c.sourceCostUsd, c.sourceCostBreakdown));
    refs[s + CS.Role] = ref(c.role ?? null);
    const details = c.sessionId === null ? null : sessionDetailsOf(spanAttributes(at));
    refs[s + CS.SessionDetails] = ref(details === null ? null : JSON.stringify(details));
    count++;
  }
  if (count === 0) return null;
  return { count, callOf, nums, refs, table };
}

import type { CostBreakdown, LlmCall } from '@sightline/core';
import { CALL_NUMS, CALL_STRINGS, CN, CS, type EncodedCalls } from './encoded-batch.js';

/** The `cost_detail` column: the cost by token class and the price used. */
export function costDetail(breakdown: CostBreakdown | null, priceModel: string | null): string | null {
  if (breakdown === null && priceModel === null) return null;
  const b = breakdown;
  return JSON.stringify({
    b: b ? [b.input, b.cacheRead, b.cacheWrite, b.output, b.reasoning] : null,
    m: priceModel,
  });
}

/** Turns calls into columns; each call is matched to its span's index in the group. */
export function encodeCalls(calls: readonly LlmCall[], spanIndex: (spanId: string) => number | undefined): EncodedCalls | null {
  if (calls.length === 0) return null;
  const span = new Uint32Array(calls.length);
  const nums = new Float64Array(calls.length * CALL_NUMS);
  const strings: (string | null)[] = new Array(calls.length * CALL_STRINGS);
  let count = 0;
  for (const c of calls) {
    const at = spanIndex(c.spanId);
    if (at === undefined) continue;
    span[count] = at;
    const n = count * CALL_NUMS;
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
    nums[n + CN.IsError] = c.isError ? 1 : 0;
    const s = count * CALL_STRINGS;
    strings[s + CS.Vocabulary] = c.vocabulary;
    strings[s + CS.Provider] = c.provider;
    strings[s + CS.HostProvider] = c.hostProvider;
    strings[s + CS.RequestModel] = c.requestModel;
    strings[s + CS.Model] = c.model;
    strings[s + CS.Operation] = c.operation;
    strings[s + CS.RequestId] = c.requestId;
    strings[s + CS.SessionId] = c.sessionId;
    strings[s + CS.UserId] = c.userId;
    strings[s + CS.Route] = c.routeName;
    strings[s + CS.CostSource] = c.costSource;
    strings[s + CS.CostDetail] = costDetail(c.costBreakdown, c.priceModel);
    strings[s + CS.SourceCost] =
      c.sourceCostUsd === null ? null : JSON.stringify({ usd: c.sourceCostUsd, breakdown: c.sourceCostBreakdown });
    count++;
  }
  if (count === 0) return null;
  return {
    count,
    span: span.subarray(0, count),
    nums: nums.subarray(0, count * CALL_NUMS),
    strings: strings.slice(0, count * CALL_STRINGS),
  };
}

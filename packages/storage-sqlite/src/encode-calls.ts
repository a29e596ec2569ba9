import type { LlmCall } from '@sightline/core';
import { CALL_NUMS, CALL_STRINGS, CN, CS, type EncodedCalls } from './encoded-batch.js';

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
    const num = (v: number | null) => (v === null ? Number.NaN : v);
    nums[n + CN.InputTokens] = num(c.inputTokens);
    nums[n + CN.OutputTokens] = num(c.outputTokens);
    nums[n + CN.TotalTokens] = num(c.totalTokens);
    nums[n + CN.CacheReadTokens] = num(c.cacheReadTokens);
    nums[n + CN.CacheWriteTokens] = num(c.cacheWriteTokens);
    nums[n + CN.ReasoningTokens] = num(c.reasoningTokens);
    nums[n + CN.TtftMs] = num(c.ttftMs);
    nums[n + CN.DurationMs] = c.durationMs;
    nums[n + CN.TptMs] = num(c.tptMs);
    nums[n + CN.TokensPerS] = num(c.tokensPerS);
    nums[n + CN.ToolCallCount] = num(c.toolCallCount);
    nums[n + CN.StatusCode] = num(c.statusCode);
    nums[n + CN.CostUsd] = num(c.costUsd);
    const b = c.costBreakdown;
    nums[n + CN.CostInput] = num(b?.input ?? null);
    nums[n + CN.CostCacheRead] = num(b?.cacheRead ?? null);
    nums[n + CN.CostCacheWrite] = num(b?.cacheWrite ?? null);
    nums[n + CN.CostOutput] = num(b?.output ?? null);
    nums[n + CN.CostReasoning] = num(b?.reasoning ?? null);
    nums[n + CN.IsStreaming] = c.isStreaming === null ? Number.NaN : c.isStreaming ? 1 : 0;
    nums[n + CN.IsError] = c.isError ? 1 : 0;
    const s = count * CALL_STRINGS;
    strings[s + CS.Vocabulary] = c.vocabulary;
    strings[s + CS.Provider] = c.provider;
    strings[s + CS.HostProvider] = c.hostProvider;
    strings[s + CS.RequestModel] = c.requestModel;
    strings[s + CS.Model] = c.model;
    strings[s + CS.Operation] = c.operation;
    strings[s + CS.RequestId] = c.requestId;
    strings[s + CS.ErrorType] = c.errorType;
    strings[s + CS.SessionId] = c.sessionId;
    strings[s + CS.UserId] = c.userId;
    strings[s + CS.Route] = c.routeName;
    strings[s + CS.RoutingStrategy] = c.routingStrategy;
    strings[s + CS.RoutingReason] = c.routingReason;
    strings[s + CS.GatewayCache] = c.gatewayCache;
    strings[s + CS.CostSource] = c.costSource;
    strings[s + CS.PriceModel] = c.priceModel;
    strings[s + CS.FinishReasons] = c.finishReasons ? JSON.stringify(c.finishReasons) : null;
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

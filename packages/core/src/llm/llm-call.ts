import type { AnyValue } from '../model/any-value.js';
import type { CallRole } from './call-role.js';

/** What kind of model call a span made. */
export type LlmOperation = 'chat' | 'text_completion' | 'generate_content' | 'embeddings' | 'rerank' | (string & {});

/** One part of a message, in the OpenTelemetry GenAI (v1.37+) shape. */
export type MessagePart =
  | { readonly type: 'text'; readonly content: string }
  | { readonly type: 'reasoning'; readonly content: string }
  | { readonly type: 'tool_call'; readonly id: string | null; readonly name: string; readonly arguments: AnyValue }
  | { readonly type: 'tool_call_response'; readonly id: string | null; readonly response: AnyValue }
  | { readonly type: string; readonly [key: string]: AnyValue };

export interface Message {
  readonly role: string;
  readonly parts: readonly MessagePart[];
  /** Set on output messages when the source gives one per message. */
  readonly finishReason?: string;
}

export interface ToolCall {
  readonly id: string | null;
  readonly name: string;
  readonly arguments: AnyValue;
}

export interface CostBreakdown {
  readonly input: number | null;
  readonly cacheRead: number | null;
  readonly cacheWrite: number | null;
  readonly output: number | null;
  readonly reasoning: number | null;
}

/** Where a cost came from: the price table, the source's own figure, a user's price override. */
export type CostSource = 'table' | 'source' | 'override';

/** Which vocabulary and which rule (an attribute key, an event, or a derivation) gave a field. */
export interface Provenance {
  readonly vocabulary: string;
  readonly rule: string;
}

/**
 * The canonical LLM call: one model call, whichever library emitted its span. A count that
 * the source does not give is null, never 0. `inputTokens` counts every input token, cached
 * ones included (as the OpenTelemetry GenAI conventions define it).
 */
export interface LlmCall {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  /** The provider's response id or the gateway's request id, when given. */
  readonly requestId: string | null;
  /** The span's start, ns since the epoch. */
  readonly timestamp: bigint;
  readonly serviceName: string;
  /** The model vendor, one spelling per vendor (`openai`, `anthropic`, `gcp.gemini`, …). */
  readonly provider: string | null;
  /** Where the model ran when that differs from the vendor (`azure`, `aws.bedrock`, `groq`, …). */
  readonly hostProvider: string | null;
  readonly requestModel: string | null;
  /** The model that served the call. */
  readonly model: string | null;
  readonly operation: LlmOperation | null;
  readonly isStreaming: boolean | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly totalTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly cacheWriteTokens: number | null;
  readonly reasoningTokens: number | null;
  readonly ttftMs: number | null;
  readonly durationMs: number;
  /** Generation time after the first token, per output token. */
  readonly tptMs: number | null;
  /** Output tokens per second of generation after the first token. */
  readonly tokensPerS: number | null;
  readonly finishReasons: readonly string[] | null;
  readonly toolCallCount: number | null;
  readonly toolCalls: readonly ToolCall[] | null;
  readonly isError: boolean;
  readonly errorType: string | null;
  /** The HTTP status of the provider's answer, when given. */
  readonly statusCode: number | null;
  readonly sessionId: string | null;
  readonly userId: string | null;
  readonly routeName: string | null;
  readonly routingStrategy: string | null;
  readonly routingReason: string | null;
  /** A gateway's response-cache outcome (`exact`, `semantic`, `miss`, …) — not prompt caching. */
  readonly gatewayCache: string | null;
  readonly inputMessages: readonly Message[] | null;
  readonly outputMessages: readonly Message[] | null;
  /** Request parameters: temperature, max_tokens, top_p, … */
  readonly parameters: { readonly [name: string]: AnyValue };
  readonly costUsd: number | null;
  readonly costBreakdown: CostBreakdown | null;
  readonly costSource: CostSource | null;
  /** The cost the source itself reported (`llm.cost_usd`, Langfuse cost details, …), whatever priced the call. */
  readonly sourceCostUsd: number | null;
  readonly sourceCostBreakdown: CostBreakdown | null;
  /** The price table entry used, when the cost came from prices. */
  readonly priceModel: string | null;
  /** The vocabulary the span was read in. */
  readonly vocabulary: string;
  /** For each field set from the span, where it came from. */
  readonly provenance: { readonly [field: string]: Provenance };
  /**
   * False when this call's usage is already counted by another call — a gateway span for a
   * call the app's own span also recorded. Metrics and totals skip calls that are not counted.
   */
  readonly counted: boolean;
  /** The span of the call that counts instead of this one. */
  readonly duplicateOf: string | null;
  /**
   * Which layer recorded the call (an LLM framework, the provider client, a client's
   * end-of-stream record), when the span tells: what tells one call recorded side by side by
   * two instrumentations from two calls (see `findDuplicates`).
   */
  readonly role?: CallRole | null;
}

/** The fields every call has, whatever its source says. */
export type CallIdentity = 'traceId' | 'spanId' | 'timestamp' | 'serviceName' | 'durationMs' | 'vocabulary';

/**
 * The rest of a call with nothing known (counts null, never 0; counted, not an error), to build
 * a call from what a store or a test knows.
 */
export const UNKNOWN_CALL_FIELDS: Omit<LlmCall, CallIdentity> = {
  parentSpanId: null,
  requestId: null,
  provider: null,
  hostProvider: null,
  requestModel: null,
  model: null,
  operation: null,
  isStreaming: null,
  inputTokens: null,
  outputTokens: null,
  totalTokens: null,
  cacheReadTokens: null,
  cacheWriteTokens: null,
  reasoningTokens: null,
  ttftMs: null,
  tptMs: null,
  tokensPerS: null,
  finishReasons: null,
  toolCallCount: null,
  toolCalls: null,
  isError: false,
  errorType: null,
  statusCode: null,
  sessionId: null,
  userId: null,
  routeName: null,
  routingStrategy: null,
  routingReason: null,
  gatewayCache: null,
  inputMessages: null,
  outputMessages: null,
  parameters: {},
  costUsd: null,
  costBreakdown: null,
  costSource: null,
  sourceCostUsd: null,
  sourceCostBreakdown: null,
  priceModel: null,
  provenance: {},
  counted: true,
  duplicateOf: null,
};

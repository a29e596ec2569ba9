import type { Random } from './random.js';

/** A model the demo calls, with how fast it answers. Every one is in the built-in price table. */
export interface Model {
  /** `gen_ai.provider.name`. */
  readonly provider: 'openai' | 'anthropic' | 'gcp.gemini' | 'aws.bedrock';
  /** The name asked for. */
  readonly name: string;
  /** The name the answer carries (dated snapshots). */
  readonly served: string;
  readonly server: string;
  readonly ttftMs: readonly [number, number];
  readonly tokensPerS: readonly [number, number];
}

export const MODELS = {
  gpt4o: model('openai', 'gpt-4o', 'gpt-4o-2024-08-06', 'api.openai.com', [350, 950], [55, 95]),
  gpt4oMini: model('openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'api.openai.com', [220, 650], [75, 120]),
  o3Mini: model('openai', 'o3-mini', 'o3-mini-2025-01-31', 'api.openai.com', [500, 1400], [110, 170]),
  embedding: model('openai', 'text-embedding-3-small', 'text-embedding-3-small', 'api.openai.com', [60, 220], [0, 0]),
  sonnet: model('anthropic', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'api.anthropic.com', [650, 1600], [45, 75]),
  haiku: model('anthropic', 'claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'api.anthropic.com', [280, 700], [100, 160]),
  gemini: model('gcp.gemini', 'gemini-2.5-flash', 'gemini-2.5-flash', 'generativelanguage.googleapis.com', [300, 900], [160, 260]),
  llama: model(
    'aws.bedrock',
    'us.meta.llama3-3-70b-instruct-v1:0',
    'us.meta.llama3-3-70b-instruct-v1:0',
    'bedrock-runtime.us-east-1.amazonaws.com',
    [380, 950],
    [40, 70],
  ),
} as const;

function model(
  provider: Model['provider'],
  name: string,
  served: string,
  server: string,
  ttftMs: [number, number],
  tokensPerS: [number, number],
): Model {
  return { provider, name, served, server, ttftMs, tokensPerS };
}

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/** One message of a conversation with a model, in no vocabulary's shape yet. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content?: string;
  readonly toolCalls?: readonly ToolCall[];
  /** For a tool result: the call it answers, and the tool's name. */
  readonly toolCallId?: string;
  readonly toolName?: string;
}

/** Why a call ended, before each provider spells it its own way. */
export type Finish = 'stop' | 'tool_calls' | 'length';

export interface CallError {
  /** The client's exception class (`RateLimitError`). */
  readonly type: string;
  readonly status: number;
  readonly message: string;
}

/** Everything about one model call that any vocabulary records. */
export interface CallPlan {
  readonly model: Model;
  readonly operation: 'chat' | 'generate_content' | 'embeddings';
  readonly system: string | null;
  readonly messages: readonly ChatMessage[];
  /** The answer; null when the call failed or is an embedding. */
  readonly output: ChatMessage | null;
  /** The provider's own spelling (`end_turn`, `tool_use`, `STOP`, `tool_calls`). */
  readonly finishReason: string | null;
  readonly streaming: boolean;
  readonly temperature: number | null;
  readonly maxTokens: number | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly cacheWriteTokens: number | null;
  readonly reasoningTokens: number | null;
  /** Streamed calls only. */
  readonly ttftMs: number | null;
  readonly durationMs: number;
  readonly responseId: string | null;
  readonly error: CallError | null;
}

export interface CallRequest {
  readonly operation?: CallPlan['operation'];
  readonly system?: string;
  readonly messages: readonly ChatMessage[];
  readonly output?: ChatMessage;
  readonly finish?: Finish;
  readonly streaming?: boolean;
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** Prompt tokens not in the messages: tool definitions, retrieved documents, a long system prompt. */
  readonly extraInputTokens?: number;
  /** Tokens at the start of the prompt the provider has cached (OpenAI caches from 1,024, in steps of 128). */
  readonly cachedPrefixTokens?: number;
  /**
   * Tokens of the prompt this call writes to Anthropic's prompt cache (part of the input);
   * `rest`: all of the prompt after the cached prefix (a cache breakpoint on the last message).
   */
  readonly cacheWriteTokens?: number | 'rest';
  readonly reasoningTokens?: number;
  readonly error?: CallError;
}

/** A rough token count for text: about four characters a token. */
export function tokens(text: string): number {
  return Math.max(1, Math.round(text.length / 3.8));
}

function messageTokens(m: ChatMessage): number {
  return 4 + (m.content ? tokens(m.content) : 0) + (m.toolCalls ?? []).reduce((n, c) => n + 8 + tokens(JSON.stringify(c.arguments)), 0);
}

/**
 * Plans a call: token counts from the text (input tokens include cached ones, as OTel counts
 * them), cache figures as the provider reports them, and times from the model's speed —
 * reasoning happens before the first visible token.
 */
export function planCall(rng: Random, model: Model, req: CallRequest): CallPlan {
  const operation = req.operation ?? (model.provider === 'gcp.gemini' ? 'generate_content' : 'chat');
  const input =
    (req.extraInputTokens ?? 0) + (req.system ? tokens(req.system) + 4 : 0) + req.messages.reduce((n, m) => n + messageTokens(m), 0);
  const base = {
    model,
    operation,
    system: req.system ?? null,
    // As they stand now: a scenario goes on adding to its conversation after planning a step.
    messages: [...req.messages],
    streaming: req.streaming ?? false,
    temperature: req.temperature ?? null,
    maxTokens: req.maxTokens ?? null,
  };
  if (req.error) {
    return {
      ...base,
      output: null,
      finishReason: null,
      inputTokens: null,
      outputTokens: null,
      cacheReadTokens: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
      ttftMs: null,
      durationMs: rng.between(90, 420),
      responseId: null,
      error: req.error,
    };
  }
  if (operation === 'embeddings') {
    return {
      ...base,
      output: null,
      finishReason: null,
      inputTokens: input,
      outputTokens: null,
      cacheReadTokens: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
      ttftMs: null,
      durationMs: rng.in(model.ttftMs) + input * 0.012,
      responseId: null,
      error: null,
    };
  }
  const reasoning = req.reasoningTokens ?? 0;
  const visible = req.output ? messageTokens(req.output) - 4 : 0;
  const output = visible + reasoning;
  const speed = rng.in(model.tokensPerS);
  const ttft = rng.in(model.ttftMs) + input * 0.025 + (reasoning / speed) * 1000;
  // The newest message is never in the cache: it was not sent before.
  const last = req.messages[req.messages.length - 1];
  const cacheRead = cacheReadOf(model, input, Math.min(req.cachedPrefixTokens ?? 0, input - (last ? messageTokens(last) : 0)));
  const uncached = input - (cacheRead ?? 0);
  const cacheWrite = req.cacheWriteTokens === 'rest' ? uncached : req.cacheWriteTokens ? Math.min(req.cacheWriteTokens, uncached) : null;
  return {
    ...base,
    output: req.output ?? null,
    finishReason: finishReason(model, req.finish ?? 'stop'),
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: reasoning || null,
    ttftMs: base.streaming ? ttft : null,
    durationMs: ttft + (visible / speed) * 1000 + rng.between(5, 40),
    responseId: responseId(rng, model),
    error: null,
  };
}

/** What the provider reports as read from its prompt cache, given how much of the prompt it has cached. */
function cacheReadOf(model: Model, input: number, prefix: number): number | null {
  if (prefix <= 0) return null;
  // OpenAI caches prompts of 1,024 tokens or more, in steps of 128.
  if (model.provider === 'openai') return input >= 1024 && prefix >= 1024 ? Math.floor(prefix / 128) * 128 : null;
  return prefix;
}

function finishReason(model: Model, finish: Finish): string {
  switch (model.provider) {
    case 'anthropic':
      return { stop: 'end_turn', tool_calls: 'tool_use', length: 'max_tokens' }[finish];
    case 'gcp.gemini':
      return { stop: 'STOP', tool_calls: 'STOP', length: 'MAX_TOKENS' }[finish];
    default:
      return finish;
  }
}

function responseId(rng: Random, model: Model): string {
  switch (model.provider) {
    case 'openai':
      return `chatcmpl-${rng.alnum(29)}`;
    case 'anthropic':
      return `msg_01${rng.alnum(22)}`;
    case 'gcp.gemini':
      return rng.alnum(23);
    default:
      return `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
  }
}

/** Tool-call ids as each provider writes them. */
export function toolCallId(rng: Random, model: Model): string {
  if (model.provider === 'anthropic') return `toolu_01${rng.alnum(22)}`;
  if (model.provider === 'openai') return `call_${rng.alnum(24)}`;
  return `tooluse_${rng.alnum(22)}`;
}

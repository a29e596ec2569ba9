import { EMPTY_ATTRIBUTES } from '../model/any-value.js';
import { type Span, StatusCode, serviceNameOf } from '../model/span.js';
import { nanosToMs } from '../model/time.js';
import { CallDraft } from './call-draft.js';
import { callRole, streamEndDurationMs } from './call-role.js';
import { readHttpStatus } from './http-status.js';
import { KeyPrefix, keyPrefixes } from './key-prefixes.js';
import type { LlmCall } from './llm-call.js';
import { providerOfHost } from './provider-hosts.js';
import { vendorOfModel } from './provider-names.js';
import { detectVocabulary } from './registry.js';
import { asString } from './values.js';
import { readGenAiContent, readGenAiFields } from './vocabularies/otel-genai.js';

export interface NormalizeOptions {
  /**
   * Read what the call said — messages, tool calls, request parameters — too (default true).
   * Without it the figures (models, tokens, times, status, session) are the same, the content
   * fields null and no provenance: what ingest stores, since the rest is read from the span
   * when the call is shown.
   */
  readonly content?: boolean;
}

/**
 * Reads the LLM call a span records, or null when the span is not a model call. The span's
 * vocabulary is detected, its keys read in that vocabulary's meaning, then plain OTel GenAI
 * keys fill what is still missing; derived figures (total tokens, time per token, tokens/s)
 * come last. Cost is not set here: see `Pricer`.
 */
export function normalizeSpan(span: Span, options: NormalizeOptions = {}): LlmCall | null {
  const prefixes = keyPrefixes(span.attributes);
  const vocabulary = detectVocabulary(span, prefixes);
  if (!vocabulary) return null;
  const content = options.content ?? true;
  const d = new CallDraft(span, vocabulary.name, prefixes, content);
  if (!vocabulary.read(d)) return null;
  if (content) vocabulary.readContent?.(d);
  if (vocabulary.name !== 'otel-genai' && (prefixes & KeyPrefix.GenAi) !== 0) fallBackToGenAi(d, content);
  return finish(d);
}

/** Fills missing fields from `gen_ai.*` keys, which many vocabularies also send. */
function fallBackToGenAi(d: CallDraft, content: boolean): void {
  const fallback = new CallDraft(d.span, 'otel-genai', d.prefixes, content);
  readGenAiFields(fallback);
  if (content) readGenAiContent(fallback);
  for (const [field, value] of Object.entries(fallback.fields)) {
    const prov = fallback.provenance[field];
    d.set(field as keyof typeof d.fields, value as never, prov?.rule ?? '', prov?.vocabulary ?? 'otel-genai');
  }
}

/** Models that reason out of sight before their first visible token: OpenAI's o-series and GPT-5, Gemini. */
const HIDDEN_REASONING = /(^|[/:.])(o\d|gpt-5|gemini)/i;

/**
 * Time per output token and tokens/s over the generation time after the first token. Without
 * a TTFT (every non-streamed call) the first token is taken to come at once, so the figures
 * span the whole call; the rule says so. The reasoning tokens of a streamed call to a model
 * that thinks out of sight (OpenAI's o-series and GPT-5, Gemini) are left out: it thinks before
 * its first visible token, inside the TTFT, and counting them as streamed afterwards gave rates
 * of thousands of tokens/s. Models that stream their thinking (Claude's) keep them.
 */
function deriveSpeed(
  d: CallDraft,
  duration: number,
  ttft: number | null,
  output: number | null,
  reasoning: number | null,
  model: string | null,
): void {
  if (output === null || output <= 0) return;
  const first = ttft ?? 0;
  if (!(duration > first)) return;
  const generation = duration - first;
  const hidden = ttft !== null && reasoning !== null && reasoning > 0 && model !== null && HIDDEN_REASONING.test(model);
  const streamed = hidden ? output - (reasoning as number) : output;
  if (streamed <= 0) return;
  // The rules are text built per call: only when they are kept (not at ingest).
  const tokens = streamed === output ? 'output tokens' : '(output - reasoning tokens)';
  const assumed = ttft === null ? ' (TTFT taken as 0: not given)' : '';
  const why = d.recordsProvenance;
  d.set('tptMs', generation / streamed, why ? `derived: (duration - ttft) / ${tokens}${assumed}` : '');
  d.set('tokensPerS', streamed / (generation / 1000), why ? `derived: ${tokens} / (duration - ttft)${assumed}` : '');
}

/** The vendor and the platform a known provider API host (`server.address`) gives away, where nothing else told them. */
function providerFromServerAddress(d: CallDraft): void {
  const address = asString(d.get('server.address'));
  const named = address === null ? null : providerOfHost(address);
  if (!named) return;
  const rule = `derived: server.address "${address}"`;
  d.set('provider', named.vendor, rule);
  d.set('hostProvider', named.host, rule);
}

const ERROR_TYPE_KEYS = ['error.type'];

function finish(d: CallDraft): LlmCall {
  const span = d.span;
  const f = d.fields;
  // A client's end-of-stream record (Logfire) is a point in time that says how long the call took.
  const streamEnd = streamEndDurationMs(span);
  if (d.set('durationMs', streamEnd ?? undefined, 'duration (seconds) of the end-of-stream record'))
    d.set('isStreaming', true, 'an end-of-stream record (sent only for streamed responses)');
  d.set('durationMs', nanosToMs(span.endTimeUnixNano - span.startTimeUnixNano), 'span end - start');
  if (span.status.code === StatusCode.ERROR) d.set('isError', true, 'span status ERROR');
  readHttpStatus(d);
  d.take('errorType', ERROR_TYPE_KEYS, asString);
  if (f.isError) {
    const exception = span.events.find((e) => e.name === 'exception');
    if (exception) d.set('errorType', asString(exception.attributes['exception.type']), 'exception event exception.type');
  }
  if (f.statusCode !== undefined && f.statusCode !== null && f.statusCode >= 400) {
    d.set('isError', true, 'HTTP status >= 400');
    d.set('errorType', String(f.statusCode), 'HTTP status');
  }
  const modelName = f.model ?? f.requestModel ?? null;
  if (!f.provider && modelName)
    d.set('provider', vendorOfModel(modelName), d.recordsProvenance ? `derived: vendor of model "${modelName}"` : '');
  if (!f.provider || !f.hostProvider) providerFromServerAddress(d);

  const input = f.inputTokens ?? null;
  const output = f.outputTokens ?? null;
  if (input !== null && output !== null) d.set('totalTokens', input + output, 'derived: input + output tokens');
  else if (f.operation === 'embeddings' && input !== null) d.set('totalTokens', input, 'derived: embeddings use input tokens only');

  const duration = f.durationMs as number;
  const ttft = f.ttftMs ?? null;
  deriveSpeed(d, duration, ttft, output, f.reasoningTokens ?? null, modelName);

  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    requestId: f.requestId ?? null,
    timestamp: span.startTimeUnixNano,
    serviceName: serviceNameOf(span.resource),
    provider: f.provider ?? null,
    hostProvider: f.hostProvider ?? null,
    requestModel: f.requestModel ?? null,
    model: f.model ?? null,
    operation: f.operation ?? null,
    isStreaming: f.isStreaming ?? null,
    inputTokens: input,
    outputTokens: output,
    totalTokens: f.totalTokens ?? null,
    cacheReadTokens: f.cacheReadTokens ?? null,
    cacheWriteTokens: f.cacheWriteTokens ?? null,
    reasoningTokens: f.reasoningTokens ?? null,
    ttftMs: ttft,
    durationMs: duration,
    tptMs: f.tptMs ?? null,
    tokensPerS: f.tokensPerS ?? null,
    finishReasons: f.finishReasons ?? null,
    toolCallCount: f.toolCallCount ?? null,
    toolCalls: f.toolCalls ?? null,
    isError: f.isError ?? false,
    errorType: f.errorType ?? null,
    statusCode: f.statusCode ?? null,
    sessionId: f.sessionId ?? null,
    userId: f.userId ?? null,
    routeName: f.routeName ?? null,
    routingStrategy: f.routingStrategy ?? null,
    routingReason: f.routingReason ?? null,
    gatewayCache: f.gatewayCache ?? null,
    inputMessages: f.inputMessages ?? null,
    outputMessages: f.outputMessages ?? null,
    parameters: f.parameters ?? EMPTY_ATTRIBUTES,
    costUsd: f.costUsd ?? null,
    costBreakdown: f.costBreakdown ?? null,
    costSource: f.costSource ?? null,
    sourceCostUsd: f.costSource === 'source' ? (f.costUsd ?? null) : null,
    sourceCostBreakdown: f.costSource === 'source' ? (f.costBreakdown ?? null) : null,
    priceModel: null,
    vocabulary: d.vocabulary,
    provenance: d.provenance,
    counted: true,
    duplicateOf: null,
    role: callRole(span),
  };
}

import type { Attributes } from '@opentelemetry/api';
import { type Json, num } from './json.js';
import type { CallResult, GenAiMessage } from './llm-span.js';

/** Pure mapping between `@google/genai` request/response shapes and GenAI attributes and messages. */

type Part = GenAiMessage['parts'][number];

/** `models/gemini-2.5-flash` and `publishers/google/models/…` name the same model as `gemini-2.5-flash`. */
export function geminiModel(model: unknown): string | null {
  if (typeof model !== 'string' || !model) return null;
  return model.replace(/^(?:.*\/)?models\//, '');
}

const PARAMETERS: [string, string][] = [
  ['temperature', 'gen_ai.request.temperature'],
  ['topP', 'gen_ai.request.top_p'],
  ['topK', 'gen_ai.request.top_k'],
  ['maxOutputTokens', 'gen_ai.request.max_tokens'],
  ['seed', 'gen_ai.request.seed'],
  ['presencePenalty', 'gen_ai.request.presence_penalty'],
  ['frequencyPenalty', 'gen_ai.request.frequency_penalty'],
  ['candidateCount', 'gen_ai.request.choice.count'],
];

export function geminiParameters(config: Json): Attributes {
  const a: Attributes = {};
  for (const [from, to] of PARAMETERS) if (typeof config?.[from] === 'number') a[to] = config[from];
  if (Array.isArray(config?.stopSequences) && config.stopSequences.length) a['gen_ai.request.stop_sequences'] = config.stopSequences;
  const mime = config?.responseMimeType;
  if (mime === 'application/json' || config?.responseSchema || config?.responseJsonSchema) a['gen_ai.output.type'] = 'json';
  else if (mime === 'text/plain') a['gen_ai.output.type'] = 'text';
  return a;
}

/** Keys of a part that describe it rather than carry its content. */
const PART_METADATA = new Set(['thought', 'thoughtSignature', 'videoMetadata', 'partMetadata', 'mediaResolution']);

function part(p: Json): Part {
  if (typeof p === 'string') return { type: 'text', content: p };
  if (typeof p?.text === 'string') return p.thought ? { type: 'reasoning', content: p.text } : { type: 'text', content: p.text };
  if (p?.functionCall) return { type: 'tool_call', id: p.functionCall.id, name: p.functionCall.name, arguments: p.functionCall.args };
  if (p?.functionResponse)
    return { type: 'tool_call_response', id: p.functionResponse.id, name: p.functionResponse.name, response: p.functionResponse.response };
  // Inline bytes are not copied into the span: their type says what was sent.
  if (p?.inlineData) return { type: 'blob', mime_type: p.inlineData.mimeType, modality: modality(p.inlineData.mimeType) };
  if (p?.fileData) return { type: 'uri', mime_type: p.fileData.mimeType, uri: p.fileData.fileUri, modality: modality(p.fileData.mimeType) };
  if (p?.executableCode) return { type: 'executable_code', language: p.executableCode.language, content: p.executableCode.code };
  if (p?.codeExecutionResult)
    return { type: 'code_execution_result', outcome: p.codeExecutionResult.outcome, content: p.codeExecutionResult.output };
  const key = p && typeof p === 'object' ? Object.keys(p).find((k) => !PART_METADATA.has(k)) : undefined;
  return { type: key ?? 'unknown' };
}

function modality(mime: unknown): string | undefined {
  const kind = typeof mime === 'string' ? mime.split('/')[0] : undefined;
  return kind === 'image' || kind === 'audio' || kind === 'video' ? kind : undefined;
}

/** A `Content` as the client tells it from a part: an object with a `parts` array. */
const isContent = (c: Json): boolean => !!c && typeof c === 'object' && Array.isArray(c.parts);

/** Gemini's roles in GenAI terms: `model` is the assistant; a turn of function responses is the tool's. */
function role(c: Json): string {
  if (c.role === 'model') return 'assistant';
  if (c.parts.length && c.parts.every((p: Json) => p?.functionResponse)) return 'tool';
  return typeof c.role === 'string' ? c.role : 'user';
}

/**
 * The request's `contents` as GenAI messages. Like the client itself, this accepts a string, a
 * part, a list of parts (one user turn), a `Content` or a list of them.
 */
export function geminiInputMessages(contents: Json): GenAiMessage[] {
  if (contents === undefined || contents === null) return [];
  const list = Array.isArray(contents) ? contents : [contents];
  if (list.length && list.every(isContent)) return list.map((c: Json) => ({ role: role(c), parts: c.parts.map(part) }));
  return [{ role: role({ parts: list }), parts: list.map(part) }];
}

/** `config.systemInstruction`: a string, a part, parts, or a `Content`. */
export function geminiSystem(config: Json): Part[] | null {
  const s = config?.systemInstruction;
  if (s === undefined || s === null) return null;
  const parts = isContent(s) ? (s.parts ?? []).map(part) : (Array.isArray(s) ? s : [s]).map(part);
  return parts.length ? parts : null;
}

/**
 * Gemini's prompt count includes cached tokens, as GenAI's input tokens do; its candidate count
 * leaves out thinking tokens, which GenAI counts in the output (reasoning is a part of it).
 */
export function geminiUsage(usage: Json): Pick<CallResult, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'reasoningTokens'> {
  const prompt = num(usage?.promptTokenCount);
  const toolPrompt = num(usage?.toolUsePromptTokenCount);
  const candidates = num(usage?.candidatesTokenCount);
  const thoughts = num(usage?.thoughtsTokenCount);
  return {
    inputTokens: prompt === null ? null : prompt + (toolPrompt ?? 0),
    outputTokens: candidates === null && thoughts === null ? null : (candidates ?? 0) + (thoughts ?? 0),
    cacheReadTokens: num(usage?.cachedContentTokenCount),
    reasoningTokens: thoughts,
  };
}

const CONTENT_FILTER = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);
const TOOL_ERRORS = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS']);

/**
 * A candidate's finish reason in the GenAI vocabulary (`stop`, `length`, `content_filter`,
 * `tool_call`, `error`); reasons without an equivalent are kept, lower-cased.
 */
export function geminiFinishReason(reason: unknown, parts: readonly Json[] = []): string | null {
  if (typeof reason !== 'string' || !reason || reason === 'FINISH_REASON_UNSPECIFIED') return null;
  if (reason === 'STOP') return parts.some((p) => p?.functionCall) ? 'tool_call' : 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(reason)) return 'content_filter';
  if (TOOL_ERRORS.has(reason)) return 'error';
  return reason.toLowerCase();
}

export function geminiResult(response: Json): CallResult {
  const candidates: Json[] = Array.isArray(response?.candidates) ? response.candidates : [];
  const outputMessages: GenAiMessage[] = candidates.map((c) => {
    const parts: Json[] = c?.content?.parts ?? [];
    const reason = geminiFinishReason(c?.finishReason, parts);
    return { role: 'assistant', parts: parts.map(part), ...(reason ? { finish_reason: reason } : {}) };
  });
  const reasons = outputMessages.map((m) => m.finish_reason).filter((r): r is string => !!r);
  // A prompt the model refused to read has no candidates, only the reason.
  if (!candidates.length && response?.promptFeedback?.blockReason) reasons.push('content_filter');
  return {
    responseModel: typeof response?.modelVersion === 'string' ? response.modelVersion : null,
    responseId: typeof response?.responseId === 'string' ? response.responseId : null,
    finishReasons: reasons,
    ...geminiUsage(response?.usageMetadata),
    outputMessages,
  };
}

/** Embedding calls: tokens from the response's usage where given, else (Vertex AI) summed over the embeddings. */
export function geminiEmbedResult(response: Json): CallResult {
  const usage = num(response?.usageMetadata?.promptTokenCount);
  if (usage !== null) return { inputTokens: usage };
  const counts = (Array.isArray(response?.embeddings) ? response.embeddings : [])
    .map((e: Json) => num(e?.statistics?.tokenCount))
    .filter((n: number | null): n is number => n !== null);
  return { inputTokens: counts.length ? counts.reduce((a: number, b: number) => a + b, 0) : null };
}

/**
 * Accumulates a streamed response from its chunks: text parts joined per candidate, other parts
 * kept, and the last usage, model and finish reason seen.
 */
export class GeminiStreamState {
  /** @param withContent whether to keep the parts (only the figures and finish reasons are needed otherwise) */
  constructor(private readonly withContent = true) {}

  private readonly candidates: { parts: Json[]; finishReason?: string }[] = [];
  private last: Json = {};

  /** Adds a chunk; true when it carries content (the first is the first token). */
  add(chunk: Json): boolean {
    let content = false;
    for (const [i, c] of (Array.isArray(chunk?.candidates) ? chunk.candidates : []).entries()) {
      const index = typeof c?.index === 'number' ? c.index : i;
      const into = this.candidates[index] ?? (this.candidates[index] = { parts: [] });
      for (const p of c?.content?.parts ?? []) {
        content = true;
        // Without content, a function call is still kept: it decides the finish reason (tool_call).
        if (!this.withContent && !p?.functionCall) continue;
        const prev = into.parts[into.parts.length - 1];
        if (typeof p?.text === 'string' && typeof prev?.text === 'string' && !!prev.thought === !!p.thought)
          into.parts[into.parts.length - 1] = { ...prev, text: prev.text + p.text };
        else into.parts.push(p);
      }
      if (c?.finishReason) into.finishReason = c.finishReason;
    }
    this.last = {
      modelVersion: chunk?.modelVersion ?? this.last.modelVersion,
      responseId: chunk?.responseId ?? this.last.responseId,
      usageMetadata: chunk?.usageMetadata ?? this.last.usageMetadata,
      promptFeedback: chunk?.promptFeedback ?? this.last.promptFeedback,
    };
    return content;
  }

  result(): CallResult {
    return geminiResult({
      ...this.last,
      candidates: this.candidates.map((c) => ({ content: { role: 'model', parts: c.parts }, finishReason: c.finishReason })),
    });
  }
}

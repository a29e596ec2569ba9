import type { Attributes } from '@opentelemetry/api';
import { type Json, num, str } from './json.js';
import type { CallResult, GenAiMessage } from './llm-span.js';

/** Pure mapping between the OpenAI wire shapes and GenAI attributes and messages. */

/** `gen_ai.request.*` from a chat / responses / completions request body. */
export function requestParameters(body: Json): Attributes {
  const a: Attributes = {};
  const put = (key: string, v: unknown) => {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') a[key] = v;
  };
  put('gen_ai.request.temperature', body?.temperature);
  put('gen_ai.request.top_p', body?.top_p);
  put('gen_ai.request.max_tokens', body?.max_completion_tokens ?? body?.max_tokens ?? body?.max_output_tokens);
  put('gen_ai.request.frequency_penalty', body?.frequency_penalty);
  put('gen_ai.request.presence_penalty', body?.presence_penalty);
  put('gen_ai.request.seed', body?.seed);
  if (typeof body?.n === 'number' && body.n !== 1) a['gen_ai.request.choice.count'] = body.n;
  const stop =
    typeof body?.stop === 'string'
      ? [body.stop]
      : Array.isArray(body?.stop)
        ? body.stop.filter((s: unknown) => typeof s === 'string')
        : null;
  if (stop?.length) a['gen_ai.request.stop_sequences'] = stop;
  const format = body?.response_format?.type ?? body?.text?.format?.type;
  if (format === 'json_object' || format === 'json_schema') a['gen_ai.output.type'] = 'json';
  else if (format === 'text') a['gen_ai.output.type'] = 'text';
  if (body?.response_format?.json_schema?.name) a['openai.request.response_format.schema_name'] = body.response_format.json_schema.name;
  if (typeof body?.reasoning_effort === 'string') a['gen_ai.request.reasoning.level'] = body.reasoning_effort;
  if (typeof body?.service_tier === 'string') a['openai.request.service_tier'] = body.service_tier;
  return a;
}

function contentParts(content: Json): GenAiMessage['parts'] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.map((p: Json) => {
    if (p?.type === 'text' || p?.type === 'input_text' || p?.type === 'output_text') return { type: 'text', content: p.text };
    if (p?.type === 'image_url') return { type: 'uri', modality: 'image', uri: p.image_url?.url };
    if (p?.type === 'input_image') return { type: 'uri', modality: 'image', uri: p.image_url };
    if (p?.type === 'refusal') return { type: 'text', content: p.refusal };
    return { type: String(p?.type ?? 'unknown') };
  });
}

function toolCallParts(calls: Json): GenAiMessage['parts'] {
  if (!Array.isArray(calls)) return [];
  return calls.map((c: Json) => ({
    type: 'tool_call',
    id: c?.id,
    name: c?.function?.name ?? c?.custom?.name,
    arguments: c?.function?.arguments ?? c?.custom?.input,
  }));
}

/** Chat `messages` as GenAI messages (system messages included, as OTel's chat history does). */
export function chatInputMessages(messages: Json): GenAiMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.map((m: Json) => {
    if (m?.role === 'tool') return { role: 'tool', parts: [{ type: 'tool_call_response', id: m.tool_call_id, response: m.content }] };
    return { role: String(m?.role ?? 'user'), parts: [...contentParts(m?.content), ...toolCallParts(m?.tool_calls)] };
  });
}

/** A chat completion's figures and output. */
export function chatResult(completion: Json, withContent = true): CallResult {
  const choices: Json[] = Array.isArray(completion?.choices) ? completion.choices : [];
  const figures: CallResult = {
    responseModel: str(completion?.model),
    responseId: str(completion?.id),
    finishReasons: choices.map((c) => c?.finish_reason).filter((r): r is string => typeof r === 'string'),
    ...chatUsage(completion?.usage),
  };
  if (!withContent) return figures;
  return {
    ...figures,
    outputMessages: choices.map((c) => ({
      role: String(c?.message?.role ?? 'assistant'),
      parts: [...contentParts(c?.message?.content ?? c?.message?.refusal ?? null), ...toolCallParts(c?.message?.tool_calls)],
      ...(typeof c?.finish_reason === 'string' ? { finish_reason: c.finish_reason } : {}),
    })),
  };
}

/** Chat and embeddings usage (prompt/completion token names). */
export function chatUsage(usage: Json): Pick<CallResult, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'reasoningTokens'> {
  return {
    inputTokens: num(usage?.prompt_tokens),
    outputTokens: num(usage?.completion_tokens),
    cacheReadTokens: num(usage?.prompt_tokens_details?.cached_tokens),
    reasoningTokens: num(usage?.completion_tokens_details?.reasoning_tokens),
  };
}

/**
 * Accumulates a streamed chat completion from its chunks: the figures always, the text and tool
 * calls only when content is captured.
 */
export class ChatStreamState {
  constructor(private readonly withContent = true) {}

  private readonly texts = new Map<number, string>();
  private readonly tools = new Map<number, Map<number, { id?: string; name?: string; arguments: string }>>();
  private readonly finish = new Map<number, string>();
  model: string | null = null;
  id: string | null = null;
  private usage: Json = null;

  /** Adds a chunk; true when it carries content (text, refusal or a tool call): the first such is the first token. */
  add(chunk: Json): boolean {
    this.model ??= str(chunk?.model);
    this.id ??= str(chunk?.id);
    if (chunk?.usage) this.usage = chunk.usage;
    let content = false;
    for (const c of Array.isArray(chunk?.choices) ? chunk.choices : []) {
      const i = typeof c?.index === 'number' ? c.index : 0;
      const delta = c?.delta ?? {};
      const text = delta.content ?? delta.refusal;
      if (typeof text === 'string' && text !== '') {
        if (this.withContent) this.texts.set(i, (this.texts.get(i) ?? '') + text);
        content = true;
      }
      if (Array.isArray(delta.tool_calls) && delta.tool_calls.length) {
        if (this.withContent) this.addToolCalls(i, delta.tool_calls);
        content = true;
      }
      if (typeof c?.finish_reason === 'string') this.finish.set(i, c.finish_reason);
    }
    return content;
  }

  private addToolCalls(choice: number, deltas: Json[]): void {
    const calls = this.tools.get(choice) ?? new Map();
    this.tools.set(choice, calls);
    for (const t of deltas) {
      const j = typeof t?.index === 'number' ? t.index : 0;
      const call = calls.get(j) ?? { arguments: '' };
      if (t?.id) call.id = t.id;
      if (t?.function?.name) call.name = t.function.name;
      if (typeof t?.function?.arguments === 'string') call.arguments += t.function.arguments;
      calls.set(j, call);
    }
  }

  result(): CallResult {
    const indexes = [...new Set([...this.texts.keys(), ...this.tools.keys(), ...this.finish.keys()])].sort((a, b) => a - b);
    const figures: CallResult = {
      responseModel: this.model,
      responseId: this.id,
      finishReasons: indexes.map((i) => this.finish.get(i)).filter((r): r is string => r !== undefined),
      ...chatUsage(this.usage),
    };
    if (!this.withContent) return figures;
    return {
      ...figures,
      outputMessages: indexes.map((i) => ({
        role: 'assistant',
        parts: [
          ...(this.texts.has(i) ? [{ type: 'text', content: this.texts.get(i) }] : []),
          ...[...(this.tools.get(i)?.values() ?? [])].map((t) => ({ type: 'tool_call', id: t.id, name: t.name, arguments: t.arguments })),
        ],
        ...(this.finish.has(i) ? { finish_reason: this.finish.get(i) as string } : {}),
      })),
    };
  }
}

/** Responses API `input` (+ `instructions`) as GenAI messages. */
export function responsesInputMessages(body: Json): GenAiMessage[] {
  const input = body?.input;
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }];
  if (!Array.isArray(input)) return [];
  return input.map((item: Json) => {
    if (item?.type === 'function_call_output')
      return { role: 'tool', parts: [{ type: 'tool_call_response', id: item.call_id, response: item.output }] };
    if (item?.type === 'function_call')
      return { role: 'assistant', parts: [{ type: 'tool_call', id: item.call_id, name: item.name, arguments: item.arguments }] };
    return { role: String(item?.role ?? 'user'), parts: contentParts(item?.content) };
  });
}

/** Follows a streamed Responses API call: deltas mark the first token, the final event carries the response. */
export class ResponsesStreamState {
  private final: Json = null;

  /** Adds an event; true when it carries content. */
  add(event: Json): boolean {
    const type = event?.type;
    if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') this.final = event.response;
    return type === 'response.output_text.delta' || type === 'response.function_call_arguments.delta' || type === 'response.refusal.delta';
  }

  result(): CallResult {
    return this.final ? responsesResult(this.final) : {};
  }
}

/** A Responses API response's figures and output. */
export function responsesResult(response: Json): CallResult {
  const output: Json[] = Array.isArray(response?.output) ? response.output : [];
  const parts: GenAiMessage['parts'] = [];
  for (const item of output) {
    if (item?.type === 'message') parts.push(...contentParts(item.content));
    else if (item?.type === 'function_call')
      parts.push({ type: 'tool_call', id: item.call_id, name: item.name, arguments: item.arguments });
    else if (item?.type === 'reasoning') {
      const text = (item.summary ?? [])
        .map((s: Json) => s?.text)
        .filter(Boolean)
        .join('\n');
      if (text) parts.push({ type: 'reasoning', content: text });
    }
  }
  const hasToolCall = output.some((i) => i?.type === 'function_call');
  const finish =
    response?.status === 'incomplete'
      ? String(response?.incomplete_details?.reason ?? 'incomplete')
      : response?.status === 'completed'
        ? hasToolCall
          ? 'tool_calls'
          : 'stop'
        : null;
  const usage = response?.usage;
  return {
    responseModel: str(response?.model),
    responseId: str(response?.id),
    finishReasons: finish ? [finish] : [],
    inputTokens: num(usage?.input_tokens),
    outputTokens: num(usage?.output_tokens),
    cacheReadTokens: num(usage?.input_tokens_details?.cached_tokens),
    reasoningTokens: num(usage?.output_tokens_details?.reasoning_tokens),
    outputMessages: parts.length ? [{ role: 'assistant', parts, ...(finish ? { finish_reason: finish } : {}) }] : [],
  };
}

import type { Attributes } from '@opentelemetry/api';
import { type Json, num } from './json.js';
import type { CallResult, GenAiMessage } from './llm-span.js';

/** Pure mapping between Anthropic's Messages API shapes and GenAI attributes and messages. */

export function anthropicParameters(body: Json): Attributes {
  const a: Attributes = {};
  const put = (key: string, v: unknown) => {
    if (typeof v === 'number') a[key] = v;
  };
  put('gen_ai.request.max_tokens', body?.max_tokens);
  put('gen_ai.request.temperature', body?.temperature);
  put('gen_ai.request.top_p', body?.top_p);
  put('gen_ai.request.top_k', body?.top_k);
  if (Array.isArray(body?.stop_sequences) && body.stop_sequences.length) a['gen_ai.request.stop_sequences'] = body.stop_sequences;
  return a;
}

function blockParts(content: Json): GenAiMessage['parts'] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.map((b: Json) => {
    switch (b?.type) {
      case 'text':
        return { type: 'text', content: b.text };
      case 'tool_use':
        return { type: 'tool_call', id: b.id, name: b.name, arguments: b.input };
      case 'tool_result':
        return { type: 'tool_call_response', id: b.tool_use_id, response: b.content };
      case 'thinking':
        return { type: 'reasoning', content: b.thinking };
      default:
        return { type: String(b?.type ?? 'unknown') };
    }
  });
}

export function anthropicInputMessages(body: Json): GenAiMessage[] {
  return (Array.isArray(body?.messages) ? body.messages : []).map((m: Json) => ({
    role: String(m?.role ?? 'user'),
    parts: blockParts(m?.content),
  }));
}

export function anthropicSystem(body: Json): GenAiMessage['parts'] | null {
  const parts = blockParts(body?.system);
  return parts.length ? parts : null;
}

/**
 * Anthropic's `input_tokens` leaves out cached tokens; GenAI's input tokens count them all, so
 * cache reads and writes are added back.
 */
export function anthropicUsage(usage: Json): Pick<CallResult, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'> {
  const uncached = num(usage?.input_tokens);
  const read = num(usage?.cache_read_input_tokens);
  const write = num(usage?.cache_creation_input_tokens);
  return {
    inputTokens: uncached === null ? null : uncached + (read ?? 0) + (write ?? 0),
    outputTokens: num(usage?.output_tokens),
    cacheReadTokens: read,
    cacheWriteTokens: write,
  };
}

export function anthropicResult(message: Json): CallResult {
  const stop = typeof message?.stop_reason === 'string' ? message.stop_reason : null;
  return {
    responseModel: typeof message?.model === 'string' ? message.model : null,
    responseId: typeof message?.id === 'string' ? message.id : null,
    finishReasons: stop ? [stop] : [],
    ...anthropicUsage(message?.usage),
    outputMessages: [{ role: 'assistant', parts: blockParts(message?.content), ...(stop ? { finish_reason: stop } : {}) }],
  };
}

/** Accumulates a streamed message from its events: the figures always, the content blocks only when content is captured. */
export class AnthropicStreamState {
  constructor(private readonly withContent = true) {}

  private message: Json = null;
  private readonly blocks: Json[] = [];
  private readonly json: string[] = [];

  /** Adds an event; true when it carries content (the first is the first token). */
  add(event: Json): boolean {
    switch (event?.type) {
      case 'message_start':
        this.message = { ...event.message, usage: { ...event.message?.usage } };
        return false;
      case 'content_block_start':
        if (this.withContent) {
          this.blocks[event.index] = { ...event.content_block };
          this.json[event.index] = '';
        }
        return false;
      case 'content_block_delta': {
        if (!this.withContent) return true;
        const block = this.blocks[event.index] ?? (this.blocks[event.index] = { type: 'text', text: '' });
        const d = event.delta ?? {};
        if (d.type === 'text_delta') block.text = (block.text ?? '') + d.text;
        else if (d.type === 'input_json_delta') this.json[event.index] = (this.json[event.index] ?? '') + d.partial_json;
        else if (d.type === 'thinking_delta') block.thinking = (block.thinking ?? '') + d.thinking;
        return true;
      }
      case 'message_delta':
        if (this.message) {
          if (event.delta?.stop_reason) this.message.stop_reason = event.delta.stop_reason;
          Object.assign(this.message.usage, Object.fromEntries(Object.entries(event.usage ?? {}).filter(([, v]) => v !== null)));
        }
        return false;
      default:
        return false;
    }
  }

  result(): CallResult {
    const content = this.blocks.map((b, i) => {
      if (b?.type === 'tool_use' && this.json[i]) {
        try {
          return { ...b, input: JSON.parse(this.json[i] as string) };
        } catch {
          return { ...b, input: this.json[i] };
        }
      }
      return b;
    });
    return anthropicResult({ ...this.message, content });
  }
}

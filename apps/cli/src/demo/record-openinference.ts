import { SpanKind } from '@sightline/core';
import type { CallPlan, ChatMessage } from './model-calls.js';
import type { RecordContext } from './record-genai.js';
import type { DraftSpan, PlainAttributes, TraceBuilder } from './trace-builder.js';

/**
 * Spans as OpenInference (Arize) records them, here as its LangChain instrumentation does:
 * `openinference.span.kind` on every span, flattened indexed messages, `llm.system` (the vendor)
 * beside `llm.provider` (where it ran), token counts, the "First Token Stream Event" of a
 * streamed answer, `session.id` and `user.id` on every span of the session.
 */

const VENDOR: Record<string, [system: string, provider: string]> = {
  openai: ['openai', 'openai'],
  anthropic: ['anthropic', 'anthropic'],
  'gcp.gemini': ['vertexai', 'google'],
  'aws.bedrock': ['meta', 'aws'],
};

function common(kind: string, ctx: RecordContext): PlainAttributes {
  return { 'openinference.span.kind': kind, 'session.id': ctx.sessionId, 'user.id': ctx.userId };
}

/** A chain step (`RunnableSequence`, a prompt template, an output parser). */
export function oiChain(
  t: TraceBuilder,
  parent: DraftSpan | null,
  name: string,
  io: { input: string; output: string; mime?: 'text/plain' | 'application/json' },
  ctx: RecordContext,
  body?: (span: DraftSpan) => void,
): DraftSpan {
  const mime = io.mime ?? 'application/json';
  return t.span(
    parent,
    name,
    {
      resource: ctx.resource,
      scope: ctx.scope,
      durationMs: body ? undefined : t.rng.between(0.2, 3),
      attributes: {
        ...common('CHAIN', ctx),
        'input.value': io.input,
        'input.mime_type': mime,
        'output.value': io.output,
        'output.mime_type': mime,
      },
    },
    body,
  );
}

/** A retriever returning scored documents. */
export function oiRetriever(
  t: TraceBuilder,
  parent: DraftSpan | null,
  query: string,
  documents: readonly { id: string; content: string; score: number; source: string }[],
  ctx: RecordContext,
  body?: (span: DraftSpan) => void,
): DraftSpan {
  const attributes: PlainAttributes = { ...common('RETRIEVER', ctx), 'input.value': query, 'input.mime_type': 'text/plain' };
  documents.forEach((d, i) => {
    const key = `retrieval.documents.${i}.document`;
    attributes[`${key}.id`] = d.id;
    attributes[`${key}.content`] = d.content;
    attributes[`${key}.score`] = d.score;
    attributes[`${key}.metadata`] = JSON.stringify({ source: d.source });
  });
  return t.span(parent, 'VectorStoreRetriever', { resource: ctx.resource, scope: ctx.scope, attributes }, body);
}

/** An embedding call (`OpenAIEmbeddings`). */
export function oiEmbedding(
  t: TraceBuilder,
  parent: DraftSpan | null,
  call: CallPlan,
  texts: readonly string[],
  ctx: RecordContext,
): DraftSpan {
  const attributes: PlainAttributes = {
    ...common('EMBEDDING', ctx),
    'embedding.model_name': call.model.served,
    'embedding.invocation_parameters': JSON.stringify({ model: call.model.name, encoding_format: 'base64' }),
    'llm.token_count.prompt': call.inputTokens ?? undefined,
    'llm.token_count.total': call.inputTokens ?? undefined,
  };
  texts.forEach((text, i) => {
    attributes[`embedding.embeddings.${i}.embedding.text`] = text;
  });
  return t.span(parent, 'OpenAIEmbeddings', {
    resource: ctx.resource,
    scope: ctx.scope,
    kind: SpanKind.CLIENT,
    durationMs: call.durationMs,
    attributes,
  });
}

/** A chat model call (`ChatOpenAI`, `ChatAnthropic`, `ChatBedrock`); the body may add a nested span (another instrumentation). */
export function oiLlm(
  t: TraceBuilder,
  parent: DraftSpan | null,
  name: string,
  call: CallPlan,
  ctx: RecordContext,
  body?: (span: DraftSpan) => void,
): DraftSpan {
  const [system, provider] = VENDOR[call.model.provider] ?? ['openai', 'openai'];
  const messages: ChatMessage[] = call.system ? [{ role: 'system', content: call.system }, ...call.messages] : [...call.messages];
  const attributes: PlainAttributes = {
    ...common('LLM', ctx),
    'llm.system': system,
    'llm.provider': provider,
    'llm.model_name': call.model.served,
    'llm.invocation_parameters': JSON.stringify({
      model: call.model.name,
      temperature: call.temperature ?? undefined,
      max_tokens: call.maxTokens ?? undefined,
      stream: call.streaming,
    }),
    'input.value': JSON.stringify({ messages: messages.map((m) => ({ role: m.role, content: m.content ?? '' })) }),
    'input.mime_type': 'application/json',
    metadata: JSON.stringify({ ls_provider: system, ls_model_name: call.model.name, ls_model_type: 'chat' }),
  };
  messages.forEach((m, i) => {
    flatten(attributes, `llm.input_messages.${i}.message`, m);
  });
  if (call.output) {
    flatten(attributes, 'llm.output_messages.0.message', call.output);
    Object.assign(attributes, {
      'output.value': call.output.content ?? '',
      'output.mime_type': 'text/plain',
      'llm.token_count.prompt': call.inputTokens ?? undefined,
      'llm.token_count.completion': call.outputTokens ?? undefined,
      'llm.token_count.total': (call.inputTokens ?? 0) + (call.outputTokens ?? 0),
      'llm.token_count.prompt_details.cache_read': call.cacheReadTokens ?? undefined,
      'llm.token_count.prompt_details.cache_write': call.cacheWriteTokens ?? undefined,
      'llm.token_count.completion_details.reasoning': call.reasoningTokens ?? undefined,
      'llm.finish_reason': call.finishReason ?? undefined,
    });
  }
  const start = t.now;
  const span = t.span(
    parent,
    name,
    { resource: ctx.resource, scope: ctx.scope, kind: SpanKind.CLIENT, durationMs: call.durationMs, attributes },
    body,
  );
  if (call.ttftMs !== null) span.event('First Token Stream Event', start + call.ttftMs);
  if (call.error) span.fail(call.error.type, call.error.message);
  return span;
}

function flatten(into: PlainAttributes, key: string, m: ChatMessage): void {
  into[`${key}.role`] = m.role;
  if (m.content) into[`${key}.content`] = m.content;
  if (m.toolCallId) into[`${key}.tool_call_id`] = m.toolCallId;
  if (m.toolName) into[`${key}.name`] = m.toolName;
  (m.toolCalls ?? []).forEach((c, j) => {
    into[`${key}.tool_calls.${j}.tool_call.id`] = c.id;
    into[`${key}.tool_calls.${j}.tool_call.function.name`] = c.name;
    into[`${key}.tool_calls.${j}.tool_call.function.arguments`] = JSON.stringify(c.arguments);
  });
}

import { SpanKind } from '@sightline/core';
import type { CallPlan } from './model-calls.js';
import type { RecordContext } from './record-genai.js';
import type { DraftSpan, PlainAttributes, TraceBuilder } from './trace-builder.js';

/**
 * Spans as OpenLLMetry (Traceloop) records them: `@workflow` and `@task` decorator spans with
 * `traceloop.*` keys, model calls with `llm.request.type`, `gen_ai.*` usage and the indexed
 * `gen_ai.prompt.{i}.*` / `gen_ai.completion.{i}.*` content, association properties for the user.
 */

const SPAN_NAMES: Record<string, string> = { openai: 'openai.chat', anthropic: 'anthropic.chat', 'aws.bedrock': 'bedrock.completion' };

export function traceloopWorkflow(
  t: TraceBuilder,
  parent: DraftSpan | null,
  name: string,
  io: { input: unknown; output: unknown },
  ctx: RecordContext & { customerId?: string },
  body: (span: DraftSpan) => void,
): DraftSpan {
  return t.span(
    parent,
    `${name}.workflow`,
    {
      resource: ctx.resource,
      scope: ctx.scope,
      attributes: {
        'traceloop.span.kind': 'workflow',
        'traceloop.workflow.name': name,
        'traceloop.entity.name': name,
        'traceloop.entity.input': JSON.stringify(io.input),
        'traceloop.entity.output': JSON.stringify(io.output),
        'traceloop.association.properties.customer_id': ctx.customerId,
      },
    },
    body,
  );
}

export function traceloopTask(
  t: TraceBuilder,
  parent: DraftSpan,
  name: string,
  workflow: string,
  ctx: RecordContext,
  body: (span: DraftSpan) => void,
): DraftSpan {
  return t.span(
    parent,
    `${name}.task`,
    {
      resource: ctx.resource,
      scope: ctx.scope,
      attributes: {
        'traceloop.span.kind': 'task',
        'traceloop.entity.name': name,
        'traceloop.workflow.name': workflow,
      },
    },
    body,
  );
}

export function traceloopCall(
  t: TraceBuilder,
  parent: DraftSpan,
  call: CallPlan,
  workflow: string,
  ctx: RecordContext & { customerId?: string },
): DraftSpan {
  const attributes: PlainAttributes = {
    'llm.request.type': 'chat',
    'gen_ai.system': call.model.provider,
    'gen_ai.request.model': call.model.name,
    'gen_ai.request.temperature': call.temperature ?? undefined,
    'gen_ai.request.max_tokens': call.maxTokens ?? undefined,
    'llm.is_streaming': call.streaming,
    'llm.headers': 'None',
    'traceloop.workflow.name': workflow,
    'traceloop.association.properties.customer_id': ctx.customerId,
  };
  const messages = call.system ? [{ role: 'system', content: call.system }, ...call.messages] : call.messages;
  messages.forEach((m, i) => {
    attributes[`gen_ai.prompt.${i}.role`] = m.role;
    attributes[`gen_ai.prompt.${i}.content`] = m.content ?? '';
  });
  if (!call.error) {
    Object.assign(attributes, {
      'gen_ai.response.model': call.model.served,
      'gen_ai.response.id': call.responseId ?? undefined,
      'gen_ai.usage.input_tokens': call.inputTokens ?? undefined,
      'gen_ai.usage.output_tokens': call.outputTokens ?? undefined,
      'llm.usage.total_tokens': (call.inputTokens ?? 0) + (call.outputTokens ?? 0),
      'gen_ai.usage.cache_read_input_tokens': call.cacheReadTokens ?? undefined,
      'gen_ai.response.finish_reasons': call.finishReason ? [call.finishReason] : undefined,
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': call.output?.content ?? '',
      'gen_ai.completion.0.finish_reason': call.finishReason ?? undefined,
    });
  }
  const span = t.span(parent, SPAN_NAMES[call.model.provider] ?? 'llm.chat', {
    resource: ctx.resource,
    scope: ctx.scope,
    kind: SpanKind.CLIENT,
    durationMs: call.durationMs,
    attributes,
  });
  if (call.error) span.set({ 'error.type': call.error.type }).fail(call.error.type, call.error.message);
  return span;
}

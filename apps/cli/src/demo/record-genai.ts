import { type InstrumentationScope, type Resource, SpanKind } from '@sightline/core';
import type { CallPlan, ChatMessage, ToolCall } from './model-calls.js';
import type { DraftSpan, PlainAttributes, TraceBuilder } from './trace-builder.js';

/** Where a recorded span comes from, and the session and user it belongs to. */
export interface RecordContext {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly sessionId?: string;
  readonly userId?: string;
  /** What the app says of its session (as `@sightline/sdk`'s `withSession({ name, labels })` records it). */
  readonly sessionName?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A model call as the OpenTelemetry GenAI conventions record it (v1.37 and later, as the
 * OpenTelemetry and Sightline instrumentations write it): `gen_ai.*` figures, messages as JSON
 * text, time to first chunk in seconds, `gen_ai.conversation.id` for the session.
 */
export function genAiCall(t: TraceBuilder, parent: DraftSpan | null, call: CallPlan, ctx: RecordContext): DraftSpan {
  const attributes: PlainAttributes = {
    'gen_ai.operation.name': call.operation,
    'gen_ai.provider.name': call.model.provider,
    'gen_ai.request.model': call.model.name,
    'gen_ai.request.temperature': call.temperature ?? undefined,
    'gen_ai.request.max_tokens': call.maxTokens ?? undefined,
    'gen_ai.request.stream': call.streaming || undefined,
    'server.address': call.model.server,
    'server.port': 443,
    'gen_ai.conversation.id': ctx.sessionId,
    'user.id': ctx.userId,
    'sightline.session.name': ctx.sessionName,
    ...Object.fromEntries(Object.entries(ctx.labels ?? {}).map(([k, v]) => [`sightline.label.${k}`, v])),
    'gen_ai.system_instructions': call.system ? JSON.stringify([{ type: 'text', content: call.system }]) : undefined,
    'gen_ai.input.messages': call.operation === 'embeddings' ? undefined : JSON.stringify(call.messages.map(genAiMessage)),
  };
  if (!call.error) {
    Object.assign(attributes, {
      'gen_ai.response.model': call.model.served,
      'gen_ai.response.id': call.responseId ?? undefined,
      'gen_ai.response.finish_reasons': call.finishReason ? [call.finishReason] : undefined,
      'gen_ai.usage.input_tokens': call.inputTokens ?? undefined,
      'gen_ai.usage.output_tokens': call.outputTokens ?? undefined,
      'gen_ai.usage.cache_read.input_tokens': call.cacheReadTokens ?? undefined,
      'gen_ai.usage.cache_creation.input_tokens': call.cacheWriteTokens ?? undefined,
      'gen_ai.usage.reasoning.output_tokens': call.reasoningTokens ?? undefined,
      'gen_ai.response.time_to_first_chunk': call.ttftMs === null ? undefined : call.ttftMs / 1000,
      'gen_ai.output.messages': call.output
        ? JSON.stringify([{ ...genAiMessage(call.output), finish_reason: call.finishReason ?? undefined }])
        : undefined,
    });
  }
  if (call.operation === 'embeddings') attributes['gen_ai.embeddings.dimension.count'] = 1536;
  const span = t.span(parent, `${call.operation} ${call.model.name}`, {
    resource: ctx.resource,
    scope: ctx.scope,
    kind: SpanKind.CLIENT,
    durationMs: call.durationMs,
    attributes,
  });
  if (call.error) span.set({ 'error.type': call.error.type }).fail(call.error.type, call.error.message);
  return span;
}

/** The OTel GenAI message shape: `{role, parts: [...]}`. */
export function genAiMessage(m: ChatMessage): { role: string; parts: Record<string, unknown>[] } {
  if (m.role === 'tool') return { role: 'tool', parts: [{ type: 'tool_call_response', id: m.toolCallId, response: m.content }] };
  const parts: Record<string, unknown>[] = [];
  if (m.content) parts.push({ type: 'text', content: m.content });
  for (const c of m.toolCalls ?? []) parts.push({ type: 'tool_call', id: c.id, name: c.name, arguments: c.arguments });
  return { role: m.role, parts };
}

/** An agent's run (`invoke_agent`); its body adds the model calls and tools. */
export function genAiAgent(
  t: TraceBuilder,
  parent: DraftSpan | null,
  agent: { name: string; id: string; description?: string },
  ctx: RecordContext,
  body: (span: DraftSpan) => void,
): DraftSpan {
  return t.span(
    parent,
    `invoke_agent ${agent.name}`,
    {
      resource: ctx.resource,
      scope: ctx.scope,
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': agent.name,
        'gen_ai.agent.id': agent.id,
        'gen_ai.agent.description': agent.description,
        'gen_ai.conversation.id': ctx.sessionId,
        'user.id': ctx.userId,
      },
    },
    body,
  );
}

/** A tool the model asked for, run by the app (`execute_tool`). */
export function genAiTool(
  t: TraceBuilder,
  parent: DraftSpan | null,
  call: ToolCall,
  run: { result: string; durationMs?: number; error?: { type: string; message: string }; description?: string },
  ctx: RecordContext,
  body?: (span: DraftSpan) => void,
): DraftSpan {
  const span = t.span(
    parent,
    `execute_tool ${call.name}`,
    {
      resource: ctx.resource,
      scope: ctx.scope,
      durationMs: run.durationMs,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': call.name,
        'gen_ai.tool.description': run.description,
        'gen_ai.tool.type': 'function',
        'gen_ai.tool.call.id': call.id,
        'gen_ai.tool.call.arguments': JSON.stringify(call.arguments),
        'gen_ai.tool.call.result': run.result,
      },
    },
    body,
  );
  if (run.error) span.set({ 'error.type': run.error.type }).fail(run.error.type, run.error.message);
  return span;
}

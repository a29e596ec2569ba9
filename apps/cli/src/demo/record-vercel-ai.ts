import { SpanKind } from '@sightline/core';
import type { CallPlan, ChatMessage, ToolCall } from './model-calls.js';
import type { RecordContext } from './record-genai.js';
import type { DraftSpan, PlainAttributes, TraceBuilder } from './trace-builder.js';

/**
 * Spans as the Vercel AI SDK's telemetry (v5, `experimental_telemetry`) records them: an outer
 * `ai.generateText` / `ai.streamText` span with the whole prompt and summed usage, one
 * `doGenerate` / `doStream` span per model call (the calls), `ai.toolCall` spans between steps,
 * session and user in `ai.telemetry.metadata.*`.
 */

/** One step of a multi-step generation: a model call, then the tools it asked for. */
export interface VercelStep {
  readonly call: CallPlan;
  readonly tools?: readonly { call: ToolCall; result: unknown; durationMs: number }[];
}

const PROVIDER_IDS: Record<string, string> = {
  openai: 'openai.chat',
  anthropic: 'anthropic.messages',
  'gcp.gemini': 'google.generative-ai',
  'aws.bedrock': 'amazon-bedrock',
};

const FINISH: Record<string, string> = {
  tool_calls: 'tool-calls',
  tool_use: 'tool-calls',
  end_turn: 'stop',
  max_tokens: 'length',
  STOP: 'stop',
};

export function vercelGenerate(
  t: TraceBuilder,
  parent: DraftSpan | null,
  mode: 'generate' | 'stream',
  functionId: string,
  steps: readonly VercelStep[],
  ctx: RecordContext,
): DraftSpan {
  const operation = mode === 'generate' ? 'ai.generateText' : 'ai.streamText';
  const inner = mode === 'generate' ? `${operation}.doGenerate` : `${operation}.doStream`;
  const first = (steps[0] as VercelStep).call;
  const last = (steps[steps.length - 1] as VercelStep).call;
  const telemetry: PlainAttributes = {
    'ai.model.id': first.model.name,
    'ai.model.provider': PROVIDER_IDS[first.model.provider],
    'ai.settings.maxRetries': 2,
    'ai.telemetry.functionId': functionId,
    'ai.telemetry.metadata.sessionId': ctx.sessionId,
    'ai.telemetry.metadata.userId': ctx.userId,
  };
  const sum = (f: (c: CallPlan) => number | null) => steps.reduce((n, s) => n + (f(s.call) ?? 0), 0);
  const input = sum((c) => c.inputTokens);
  const output = sum((c) => c.outputTokens);
  const finish = last.finishReason ? (FINISH[last.finishReason] ?? last.finishReason) : 'error';
  const outer = t.span(
    parent,
    operation,
    {
      resource: ctx.resource,
      scope: ctx.scope,
      attributes: {
        'operation.name': `${operation} ${functionId}`,
        'resource.name': functionId,
        'ai.operationId': operation,
        ...telemetry,
        'ai.settings.maxOutputTokens': first.maxTokens ?? undefined,
        'ai.prompt': JSON.stringify({ system: first.system ?? undefined, messages: first.messages.map(sdkMessage) }),
        'ai.response.text': last.output?.content ?? '',
        'ai.response.finishReason': finish,
        ...(mode === 'generate'
          ? { 'ai.usage.promptTokens': input, 'ai.usage.completionTokens': output }
          : { 'ai.usage.inputTokens': input, 'ai.usage.outputTokens': output, 'ai.usage.totalTokens': input + output }),
      },
    },
    (self) => {
      for (const step of steps) {
        doCall(t, self, inner, functionId, telemetry, step.call, mode, ctx);
        for (const tool of step.tools ?? []) {
          t.span(self, 'ai.toolCall', {
            resource: ctx.resource,
            scope: ctx.scope,
            durationMs: tool.durationMs,
            attributes: {
              'operation.name': `ai.toolCall ${functionId}`,
              'ai.operationId': 'ai.toolCall',
              'ai.toolCall.name': tool.call.name,
              'ai.toolCall.id': tool.call.id,
              'ai.toolCall.args': JSON.stringify(tool.call.arguments),
              'ai.toolCall.result': JSON.stringify(tool.result),
              ...telemetry,
            },
          });
          t.wait(t.rng.between(0.5, 3));
        }
      }
    },
  );
  if (last.error) outer.fail(last.error.type, last.error.message);
  return outer;
}

function doCall(
  t: TraceBuilder,
  parent: DraftSpan,
  operationId: string,
  functionId: string,
  telemetry: PlainAttributes,
  call: CallPlan,
  mode: 'generate' | 'stream',
  ctx: RecordContext,
): DraftSpan {
  const finish = call.finishReason ? (FINISH[call.finishReason] ?? call.finishReason) : undefined;
  const output = call.output;
  const visibleMs = call.ttftMs === null ? call.durationMs : call.durationMs - call.ttftMs;
  const attributes: PlainAttributes = {
    'operation.name': `${operationId} ${functionId}`,
    'ai.operationId': operationId,
    ...telemetry,
    'ai.prompt.messages': JSON.stringify([
      ...(call.system ? [{ role: 'system', content: call.system }] : []),
      ...call.messages.map(sdkMessage),
    ]),
    'ai.prompt.toolChoice': JSON.stringify({ type: 'auto' }),
    'gen_ai.system': PROVIDER_IDS[call.model.provider],
    'gen_ai.request.model': call.model.name,
    'gen_ai.request.temperature': call.temperature ?? undefined,
    'gen_ai.request.max_tokens': call.maxTokens ?? undefined,
  };
  if (!call.error) {
    Object.assign(attributes, {
      'ai.response.finishReason': finish,
      'ai.response.text': output?.content ?? '',
      'ai.response.toolCalls': output?.toolCalls?.length
        ? JSON.stringify(
            output.toolCalls.map((c) => ({ toolCallType: 'function', toolCallId: c.id, toolName: c.name, input: c.arguments })),
          )
        : undefined,
      'ai.response.id': call.responseId ?? undefined,
      'ai.response.model': call.model.served,
      'ai.response.msToFinish': Math.round(call.durationMs),
      'gen_ai.response.finish_reasons': finish ? [finish] : undefined,
      'gen_ai.response.id': call.responseId ?? undefined,
      'gen_ai.response.model': call.model.served,
      'gen_ai.usage.input_tokens': call.inputTokens ?? undefined,
      'gen_ai.usage.output_tokens': call.outputTokens ?? undefined,
    });
    if (mode === 'generate') {
      Object.assign(attributes, {
        'ai.usage.promptTokens': call.inputTokens ?? undefined,
        'ai.usage.completionTokens': call.outputTokens ?? undefined,
      });
    } else {
      Object.assign(attributes, {
        'ai.response.msToFirstChunk': call.ttftMs === null ? undefined : Math.round(call.ttftMs * 10) / 10,
        'ai.response.avgOutputTokensPerSecond': call.outputTokens
          ? Math.round((call.outputTokens / visibleMs) * 1000 * 10) / 10
          : undefined,
        'ai.usage.inputTokens': call.inputTokens ?? undefined,
        'ai.usage.outputTokens': call.outputTokens ?? undefined,
        'ai.usage.totalTokens': (call.inputTokens ?? 0) + (call.outputTokens ?? 0),
        'ai.usage.cachedInputTokens': call.cacheReadTokens ?? undefined,
        'ai.usage.reasoningTokens': call.reasoningTokens ?? undefined,
      });
    }
  }
  const start = t.now;
  const span = t.span(parent, operationId, {
    resource: ctx.resource,
    scope: ctx.scope,
    kind: SpanKind.CLIENT,
    durationMs: call.durationMs,
    attributes,
  });
  if (call.ttftMs !== null && !call.error) {
    span.event('ai.stream.firstChunk', start + call.ttftMs, { 'ai.response.msToFirstChunk': Math.round(call.ttftMs * 10) / 10 });
    span.event('ai.stream.finish', span.endMs);
  }
  if (call.error) span.fail(call.error.type, call.error.message);
  return span;
}

/** A message in the AI SDK's own shape (`{role, content: [{type: 'text', text}]}`). */
function sdkMessage(m: ChatMessage): unknown {
  if (m.role === 'tool')
    return {
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: m.toolCallId, toolName: m.toolName, output: { type: 'text', value: m.content } }],
    };
  if (m.role === 'system') return { role: 'system', content: m.content };
  const content: unknown[] = [];
  if (m.content) content.push({ type: 'text', text: m.content });
  for (const c of m.toolCalls ?? []) content.push({ type: 'tool-call', toolCallId: c.id, toolName: c.name, input: c.arguments });
  return { role: m.role, content };
}

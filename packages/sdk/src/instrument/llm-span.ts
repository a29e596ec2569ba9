import { type Attributes, context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { type ContentPolicy, prepareValue } from '../content.js';
import { reportOnce } from '../safe.js';

/** One message in the OpenTelemetry GenAI shape: `{role, parts: [...]}`. */
export interface GenAiMessage {
  role: string;
  parts: Record<string, unknown>[];
  finish_reason?: string;
}

/** What a provider call's response says, in GenAI terms. */
export interface CallResult {
  responseModel?: string | null;
  responseId?: string | null;
  finishReasons?: string[];
  inputTokens?: number | null;
  outputTokens?: number | null;
  cacheReadTokens?: number | null;
  cacheWriteTokens?: number | null;
  reasoningTokens?: number | null;
  outputMessages?: GenAiMessage[];
}

export interface CallStart {
  provider: string;
  operation: 'chat' | 'text_completion' | 'generate_content' | 'embeddings';
  model: string | null;
  streaming: boolean;
  /** `gen_ai.request.*` parameters (temperature, max_tokens, …) already named; a fresh object the span takes over. */
  parameters: Attributes;
  inputMessages?: () => GenAiMessage[];
  systemInstructions?: () => GenAiMessage['parts'] | null;
  serverAddress?: string | null;
}

/**
 * The span of one model call, in the current OpenTelemetry GenAI conventions. Every method
 * swallows its own failures: recording must never disturb the call.
 */
export class LlmSpan {
  private readonly span: Span;
  private readonly started = performance.now();
  private firstChunkAt: number | null = null;
  private ended = false;

  constructor(
    tracer: Tracer,
    private readonly content: ContentPolicy,
    start: CallStart,
  ) {
    // The parameters are made for this call: they become its attributes, with no copy.
    const attributes = start.parameters;
    attributes['gen_ai.operation.name'] = start.operation;
    attributes['gen_ai.provider.name'] = start.provider;
    if (start.model) attributes['gen_ai.request.model'] = start.model;
    if (start.streaming) attributes['gen_ai.request.stream'] = true;
    if (start.serverAddress) attributes['server.address'] = start.serverAddress;
    this.span = tracer.startSpan(start.model ? `${start.operation} ${start.model}` : start.operation, {
      kind: SpanKind.CLIENT,
      attributes,
    });
    if (content.capture) {
      try {
        const system = start.systemInstructions?.();
        if (system?.length) this.span.setAttribute('gen_ai.system_instructions', prepareValue(content, system));
        const input = start.inputMessages?.();
        if (input) this.span.setAttribute('gen_ai.input.messages', prepareValue(content, input));
      } catch (err) {
        reportOnce('sightline: recording input messages', err);
      }
    }
  }

  /** Whether this call's content (messages, completions) is recorded; streams need not gather it otherwise. */
  get capturesContent(): boolean {
    return this.content.capture;
  }

  /** Runs `fn` with this span as the active one (so nested spans, e.g. HTTP, hang under it). */
  activate<T>(fn: () => T): T {
    return context.with(trace.setSpan(context.active(), this.span), fn);
  }

  /** The first content chunk of a stream arrived. */
  firstChunk(): void {
    if (this.firstChunkAt === null) this.firstChunkAt = performance.now();
  }

  succeed(result: CallResult): void {
    if (this.ended) return;
    try {
      const a: Attributes = {};
      const set = (key: string, value: unknown) => {
        if (value !== null && value !== undefined) a[key] = value as string;
      };
      set('gen_ai.response.model', result.responseModel);
      set('gen_ai.response.id', result.responseId);
      if (result.finishReasons?.length) a['gen_ai.response.finish_reasons'] = result.finishReasons;
      set('gen_ai.usage.input_tokens', result.inputTokens);
      set('gen_ai.usage.output_tokens', result.outputTokens);
      set('gen_ai.usage.cache_read.input_tokens', result.cacheReadTokens);
      set('gen_ai.usage.cache_creation.input_tokens', result.cacheWriteTokens);
      set('gen_ai.usage.reasoning.output_tokens', result.reasoningTokens);
      if (this.firstChunkAt !== null) a['gen_ai.response.time_to_first_chunk'] = (this.firstChunkAt - this.started) / 1000;
      if (this.content.capture && result.outputMessages) a['gen_ai.output.messages'] = prepareValue(this.content, result.outputMessages);
      this.span.setAttributes(a);
    } catch (err) {
      reportOnce('sightline: recording a response', err);
    }
    this.end();
  }

  /** The call failed: status ERROR, `error.type`, the exception recorded. */
  fail(err: unknown): void {
    if (this.ended) return;
    try {
      markFailed(this.span, err);
    } catch (inner) {
      reportOnce('sightline: recording an error', inner);
    }
    this.end();
  }

  private end(): void {
    this.ended = true;
    this.span.end();
  }
}

/** Marks a span failed by `err`: status ERROR with its message, `error.type`, the exception recorded. */
export function markFailed(span: Span, err: unknown): void {
  span.setAttribute('error.type', errorType(err));
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** Class names that say no more than "the API answered with an error". */
const GENERIC_ERRORS = new Set(['Error', 'Object', 'ApiError', 'APIError']);

/**
 * The provider's error class (e.g. `RateLimitError`), else its HTTP status (the one class of
 * `@google/genai`'s errors says less than its status), else `_OTHER`.
 */
export function errorType(err: unknown): string {
  if (err && typeof err === 'object') {
    const name = (err as { constructor?: { name?: string } }).constructor?.name;
    if (name && !GENERIC_ERRORS.has(name)) return name;
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number') return String(status);
    if (name && name !== 'Error' && name !== 'Object') return name;
    if (err instanceof Error && err.name && err.name !== 'Error') return err.name;
  }
  return '_OTHER';
}

import {
  type Attributes,
  context,
  type Span as OtelSpan,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { decodeTracesProto, type Span } from '../packages/core/src/index.js';

/**
 * Records spans with the official OpenTelemetry JS SDK and returns them as Sightline decodes
 * them: SDK → OTLP protobuf (the official serializer) → canonical spans.
 */
export async function recordSpans(
  build: (tracer: Tracer, helpers: SpanHelpers) => void | Promise<void>,
  options: { service?: string; scope?: string; scopeVersion?: string } = {},
): Promise<Span[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service ?? 'llm-app' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer(options.scope ?? 'test-instrumentation', options.scopeVersion ?? '1.0.0');
  await build(tracer, helpers(tracer));
  await provider.forceFlush();
  const body = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans()) as Uint8Array;
  const decoded = decodeTracesProto(body);
  await provider.shutdown();
  if (decoded.rejectedSpans) throw new Error(decoded.rejections.join('; '));
  return decoded.spans;
}

export interface SpanHelpers {
  /** Starts and ends a span with these attributes (under `parent` when given), returning it. */
  span(
    name: string,
    attributes: Attributes,
    options?: SpanOptions & {
      parent?: OtelSpan;
      error?: string;
      startMs?: number;
      durationMs?: number;
      events?: [string, Attributes, number?][];
    },
  ): OtelSpan;
}

function helpers(tracer: Tracer): SpanHelpers {
  return {
    span(name, attributes, options = {}) {
      const ctx = options.parent ? trace.setSpan(context.active(), options.parent) : context.active();
      const start = options.startMs ?? Date.now() - (options.durationMs ?? 1000);
      const span = tracer.startSpan(
        name,
        { kind: options.kind ?? SpanKind.CLIENT, attributes, startTime: start, links: options.links },
        ctx,
      );
      for (const [eventName, eventAttributes, afterMs] of options.events ?? [])
        span.addEvent(eventName, eventAttributes, start + (afterMs ?? 0));
      if (options.error) span.setStatus({ code: SpanStatusCode.ERROR, message: options.error });
      span.end(start + (options.durationMs ?? 1000));
      return span;
    },
  };
}

/** Records one span with the SDK and returns it decoded (see {@link recordSpans}). */
export async function recordSpan(
  name: string,
  attributes: Parameters<SpanHelpers['span']>[1],
  options: Parameters<SpanHelpers['span']>[2] & { scope?: string } = {},
): Promise<Span> {
  const [span] = await recordSpans(
    (_t, h) => {
      h.span(name, attributes, options);
    },
    { scope: options.scope },
  );
  return span as Span;
}

/** One span as the named instrumentation scope (version "") records it with the OTel SDK, decoded as Sightline receives it. */
export async function recordedAs(
  scope: string,
  name: string,
  attributes: Attributes,
  options: Parameters<SpanHelpers['span']>[2] = {},
): Promise<Span> {
  const [span] = await recordSpans(
    (_t, h) => {
      h.span(name, attributes, options);
    },
    { scope, scopeVersion: '' },
  );
  return span as Span;
}

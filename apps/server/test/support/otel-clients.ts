import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export type ExporterKind = 'proto' | 'json' | 'grpc';

/** An official OTLP exporter of the given kind pointed at a test server. */
export function exporterFor(kind: ExporterKind, target: { otlpHttp: string; grpc: string }, gzip = false): SpanExporter {
  const compression = gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
  if (kind === 'proto') return new ProtoExporter({ url: `${target.otlpHttp}/v1/traces`, compression });
  if (kind === 'json') return new JsonExporter({ url: `${target.otlpHttp}/v1/traces`, compression });
  return new GrpcExporter({ url: `http://${target.grpc}`, compression });
}

/** A tracer provider of the official SDK exporting through `exporter`. */
export function sdkProvider(exporter: SpanExporter, service: string): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.version': '2.0.1', 'deployment.environment': 'test' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 512, scheduledDelayMillis: 50 })],
  });
}

/**
 * Emits one realistic LLM-app trace through the SDK: an agent root span, a chat call with
 * events and an error, a tool call linked to another trace. Returns the ids it used.
 */
export function emitAgentTrace(provider: BasicTracerProvider, label: string): { traceId: string; rootSpanId: string; chatSpanId: string } {
  const tracer = provider.getTracer('@example/agent', '1.2.3');
  const root = tracer.startSpan(`agent.run ${label}`, {
    kind: SpanKind.SERVER,
    attributes: { 'session.id': `sess-${label}`, 'app.label': label },
  });
  const ctx = trace.setSpan(context.active(), root);
  const chat = tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: chatAttributes() }, ctx);
  chat.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': '[{"role":"user","content":"<script>alert(1)</script>"}]' });
  chat.recordException(Object.assign(new Error('Rate limit reached'), { name: 'RateLimitError' }));
  chat.setStatus({ code: SpanStatusCode.ERROR, message: '429 Too Many Requests' });
  chat.end();
  const tool = tracer.startSpan(
    'execute_tool get_weather',
    {
      attributes: { 'gen_ai.tool.name': 'get_weather', 'tool.args': '{"city":"Paris"}' },
      links: [{ context: root.spanContext(), attributes: { reason: 'same-run' } }],
    },
    ctx,
  );
  tool.setStatus({ code: SpanStatusCode.OK });
  tool.end();
  root.end();
  return { traceId: root.spanContext().traceId, rootSpanId: root.spanContext().spanId, chatSpanId: chat.spanContext().spanId };
}

function chatAttributes(): Attributes {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.max_tokens': 256,
    'gen_ai.usage.input_tokens': 24,
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.request.stream': false,
  };
}

import { Metadata } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from './config.js';
import { MemoryExporter } from './memory-exporter.js';

export interface ExportPipeline {
  readonly exporter: SpanExporter | null;
  readonly processor: SpanProcessor | null;
  /** The memory exporter, when that is where spans go. */
  readonly memory: MemoryExporter | null;
}

/** The exporter the configuration names, and its processor (batched for networks, immediate for console and memory). */
export function exportPipeline(config: ResolvedConfig): ExportPipeline {
  const chosen = config.exporter;
  if (chosen === 'none') return { exporter: null, processor: null, memory: null };
  if (typeof chosen !== 'string') return { exporter: chosen, processor: new BatchSpanProcessor(chosen), memory: null };
  if (chosen === 'memory') {
    const memory = new MemoryExporter();
    return { exporter: memory, processor: new SimpleSpanProcessor(memory), memory };
  }
  if (chosen === 'console') {
    const exporter = new ConsoleSpanExporter();
    return { exporter, processor: new SimpleSpanProcessor(exporter), memory: null };
  }
  const exporter =
    chosen === 'otlp-grpc'
      ? new GrpcExporter({ url: config.url, metadata: grpcMetadata(config.headers) })
      : chosen === 'otlp-json'
        ? new JsonExporter({ url: config.url, headers: config.headers })
        : new ProtoExporter({ url: config.url, headers: config.headers });
  return { exporter, processor: new BatchSpanProcessor(exporter), memory: null };
}

function grpcMetadata(headers: Record<string, string>): Metadata | undefined {
  if (Object.keys(headers).length === 0) return undefined;
  const m = new Metadata();
  for (const [k, v] of Object.entries(headers)) m.set(k, v);
  return m;
}

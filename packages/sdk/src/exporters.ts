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
import { FileExport } from './file/file-export.js';
import { GuardedExporter } from './guarded-exporter.js';
import { MemoryExporter } from './memory-exporter.js';

export interface ExportPipeline {
  readonly exporter: SpanExporter | null;
  readonly processor: SpanProcessor | null;
  /** The memory exporter, when that is where spans go. */
  readonly memory: MemoryExporter | null;
  /** The JSON file export, when that is where spans go. */
  readonly file: FileExport | null;
}

/** The exporter the configuration names, and its processor (batched for networks, immediate for console, memory and file). */
export function exportPipeline(config: ResolvedConfig): ExportPipeline {
  const chosen = config.exporter;
  const none = { memory: null, file: null };
  if (chosen === 'none') return { exporter: null, processor: null, ...none };
  if (typeof chosen !== 'string')
    return batched(new GuardedExporter(chosen, chosen.constructor?.name ?? 'custom exporter', config.exportTimeoutMs), config);
  if (chosen === 'memory') {
    const memory = new MemoryExporter();
    return { exporter: memory, processor: new SimpleSpanProcessor(memory), ...none, memory };
  }
  if (chosen === 'file') {
    const file = new FileExport(config.out);
    return { exporter: file.collector, processor: new SimpleSpanProcessor(file.collector), ...none, file };
  }
  if (chosen === 'console') {
    const exporter = new ConsoleSpanExporter();
    return { exporter, processor: new SimpleSpanProcessor(exporter), ...none };
  }
  const timeoutMillis = config.exportTimeoutMs;
  const exporter =
    chosen === 'otlp-grpc'
      ? new GrpcExporter({ url: config.url, metadata: grpcMetadata(config.headers), timeoutMillis })
      : chosen === 'otlp-json'
        ? new JsonExporter({ url: config.url, headers: config.headers, timeoutMillis })
        : new ProtoExporter({ url: config.url, headers: config.headers, timeoutMillis });
  return batched(new GuardedExporter(exporter, config.url, timeoutMillis), config);
}

/** Network exports are batched; the guard answers every export within the timeout, so the processor's own (longer) one never fires. */
function batched(exporter: GuardedExporter, config: ResolvedConfig): ExportPipeline {
  const processor = new BatchSpanProcessor(exporter, { exportTimeoutMillis: config.exportTimeoutMs + 1_000 });
  return { exporter, processor, memory: null, file: null };
}

function grpcMetadata(headers: Record<string, string>): Metadata | undefined {
  if (Object.keys(headers).length === 0) return undefined;
  const m = new Metadata();
  for (const [k, v] of Object.entries(headers)) m.set(k, v);
  return m;
}

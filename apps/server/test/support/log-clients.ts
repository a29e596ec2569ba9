import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ExporterKind } from './otel-clients.js';

/** An official OTLP log exporter of the given kind pointed at a test server. */
export function logExporterFor(kind: ExporterKind, target: { otlpHttp: string; grpc: string }, gzip = false): LogRecordExporter {
  const compression = gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
  if (kind === 'proto') return new ProtoLogExporter({ url: `${target.otlpHttp}/v1/logs`, compression });
  if (kind === 'json') return new JsonLogExporter({ url: `${target.otlpHttp}/v1/logs`, compression });
  return new GrpcLogExporter({ url: `http://${target.grpc}`, compression });
}

/** A logger provider of the official SDK exporting each record as it is emitted. */
export function logProvider(exporter: LogRecordExporter, service: string): LoggerProvider {
  return new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
}

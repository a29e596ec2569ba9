import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { referenceLogRecords } from './reference-logs.js';
import { referenceSpans } from './reference-spans.js';

/**
 * Valid request bodies for the fuzzers to mutate: what real instrumentations sent (the
 * recorded fixtures) and what the official OTel JS serializers write for spans and log
 * records that use every OTLP field.
 */
export interface SeedBodies {
  readonly tracesProto: readonly Uint8Array[];
  readonly tracesJson: readonly string[];
  readonly logsProto: readonly Uint8Array[];
  readonly logsJson: readonly string[];
  /** `POST /api/import` documents (the SDK's JSON file export). */
  readonly importDocs: readonly string[];
  /** `POST /v1/telemetry/log-event` bodies, one per event kind. */
  readonly llamaEvents: readonly string[];
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'otlp');
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function fixtures(ext: '.pb' | '.json'): Buffer[] {
  return readdirSync(FIXTURES)
    .sort()
    .flatMap((dir) =>
      readdirSync(join(FIXTURES, dir))
        .filter((f) => f.endsWith(ext))
        .sort()
        .map((f) => readFileSync(join(FIXTURES, dir, f))),
    );
}

export function seedBodies(): SeedBodies {
  const spans = [referenceSpans(6, 3), referenceSpans(2, 4)];
  const logs = [referenceLogRecords(5, 1), referenceLogRecords(2, 2)];
  return {
    tracesProto: [...fixtures('.pb'), ...spans.map((s) => ProtobufTraceSerializer.serializeRequest(s) as Uint8Array)],
    tracesJson: [
      ...fixtures('.json').map((b) => b.toString('utf8')),
      ...spans.map((s) => text(JsonTraceSerializer.serializeRequest(s) as Uint8Array)),
    ],
    logsProto: logs.map((l) => ProtobufLogsSerializer.serializeRequest(l) as Uint8Array),
    logsJson: logs.map((l) => text(JsonLogsSerializer.serializeRequest(l) as Uint8Array)),
    importDocs: [JSON.stringify(importDoc())],
    llamaEvents: llamaEvents().map((e) => JSON.stringify(e)),
  };
}

function importDoc() {
  const start = 1_763_000_000_000_000_000n;
  const span = (id: string, parent: string | null, name: string) => ({
    trace_id: 'aa'.repeat(16),
    span_id: id,
    parent_span_id: parent,
    name,
    kind: 'client',
    start_time_unix_nano: String(start),
    end_time_unix_nano: String(start + 800_000_000n),
    status: { code: 'error', message: 'rate limited' },
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.response.finish_reasons': ['stop'],
      'nested.map': { a: [1, 'two'] },
    },
    events: [{ name: 'exception', time_unix_nano: String(start + 1n), attributes: { 'exception.type': 'RateLimitError' } }],
    links: [{ trace_id: 'bb'.repeat(16), span_id: '00000000000000bb', attributes: {} }],
    trace_state: 'congo=t61rcWkgMzE',
    flags: 1,
    scope: { name: '@sightline/sdk', version: '0.1.0' },
  });
  return {
    format: 'sightline-export',
    version: 1,
    exported_at: '2026-11-23T10:00:00.000Z',
    resource: { attributes: { 'service.name': 'imported-app' } },
    sessions: [],
    spans: [span('0000000000000001', null, 'agent'), span('0000000000000002', '0000000000000001', 'chat gpt-4o-mini')],
    traces: [],
  };
}

function llamaEvents() {
  const common = { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', timestamp: '2025-01-01T00:00:00Z' };
  return [
    {
      event: { ...common, type: 'structured_log', payload: { type: 'span_start', name: 'inference', parent_span_id: '00f067aa0ba902b6' } },
    },
    { event: { ...common, type: 'unstructured_log', message: 'calling model', severity: 'info', attributes: { model: 'llama' } } },
    { event: { ...common, type: 'metric', metric: 'prompt_tokens', value: 42, unit: 'tokens' }, ttl_seconds: 3600 },
    { event: { ...common, type: 'structured_log', payload: { type: 'span_end', status: 'error' } } },
  ];
}

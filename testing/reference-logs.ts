import { TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { randomHex, seededRandom } from './random.js';

/**
 * Builds OpenTelemetry JS `ReadableLogRecord`s that exercise the OTLP log fields (times,
 * severity, every body kind, trace context, event names), for feeding the official OTLP log
 * serializers — the log counterpart of `referenceSpans`.
 */
export function referenceLogRecords(count: number, seed = 1): ReadableLogRecord[] {
  const rand = seededRandom(seed);
  const resource = resourceFromAttributes({ 'service.name': 'chat-app', 'host.cores': 8 });
  const scope = { name: '@opentelemetry/instrumentation-openai', version: '0.21.0' };
  const bodies = [
    'a plain log line',
    { content: 'What is the weather in Paris?', nested: { list: [1, 'two', true, 2.5] } },
    [1, 'two', { three: 3 }],
    Uint8Array.from([0, 1, 254, 255]),
    undefined,
  ];
  const records: ReadableLogRecord[] = [];
  for (let i = 0; i < count; i++) {
    const seconds = 1_760_000_000 + i;
    records.push({
      hrTime: [seconds, Math.floor(rand() * 1e9)],
      hrTimeObserved: [seconds + 1, Math.floor(rand() * 1e9)],
      spanContext: i % 3 === 2 ? undefined : { traceId: randomHex(rand, 32), spanId: randomHex(rand, 16), traceFlags: TraceFlags.SAMPLED },
      severityNumber: [SeverityNumber.INFO, SeverityNumber.ERROR, SeverityNumber.DEBUG2, undefined][i % 4],
      severityText: i % 2 === 0 ? 'INFO' : undefined,
      body: bodies[i % bodies.length] as ReadableLogRecord['body'],
      eventName: i % 2 === 0 ? 'gen_ai.user.message' : undefined,
      resource,
      instrumentationScope: scope,
      attributes: { 'gen_ai.system': 'openai', count: i, ratio: 0.5, tags: ['a', 'b'], 'event.name': 'gen_ai.choice' },
      droppedAttributesCount: i % 3,
    });
  }
  return records;
}

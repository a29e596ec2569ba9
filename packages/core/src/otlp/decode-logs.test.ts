import { TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { expectedAttributes } from '../../../../testing/expected-spans.js';
import { referenceLogRecords } from '../../../../testing/reference-logs.js';
import { DecodeError } from './decode-error.js';
import { decodeLogsJson, decodeLogsJsonInSteps } from './decode-logs-json.js';
import { decodeLogsProto, decodeLogsProtoInSteps } from './decode-logs-proto.js';

const resource = resourceFromAttributes({ 'service.name': 'chat-app', 'host.cores': 8 });
const scope = { name: '@opentelemetry/instrumentation-openai', version: '0.21.0' };
const traceId = '5b8efff798038103d269b633813fc60c';
const spanId = 'eee19b7ec3c1b174';

const records: ReadableLogRecord[] = [
  {
    hrTime: [1_760_000_000, 123_456_789],
    hrTimeObserved: [1_760_000_000, 223_456_789],
    spanContext: { traceId, spanId, traceFlags: TraceFlags.SAMPLED },
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: { content: 'What is the weather in Paris?', nested: { list: [1, 'two', true] } },
    eventName: 'gen_ai.user.message',
    resource,
    instrumentationScope: scope,
    attributes: { 'gen_ai.system': 'openai', count: 3, ratio: 0.5 },
    droppedAttributesCount: 1,
  },
  {
    hrTime: [1_760_000_001, 0],
    hrTimeObserved: [1_760_000_001, 5],
    body: 'a plain log line',
    resource,
    instrumentationScope: scope,
    attributes: { 'event.name': 'gen_ai.choice' },
    droppedAttributesCount: 0,
  },
];

const expected = [
  {
    timeUnixNano: 1_760_000_000_123_456_789n,
    observedTimeUnixNano: 1_760_000_000_223_456_789n,
    severityNumber: 9,
    severityText: 'INFO',
    body: expectedAttributes({ content: 'What is the weather in Paris?', nested: { list: [1, 'two', true] } }),
    attributes: expectedAttributes({ 'gen_ai.system': 'openai', count: 3, ratio: 0.5 }),
    droppedAttributesCount: 1,
    flags: 1,
    traceId,
    spanId,
    eventName: 'gen_ai.user.message',
  },
  {
    timeUnixNano: 1_760_000_001_000_000_000n,
    observedTimeUnixNano: 1_760_000_001_000_000_005n,
    severityNumber: 0,
    severityText: '',
    body: 'a plain log line',
    attributes: expectedAttributes({ 'event.name': 'gen_ai.choice' }),
    droppedAttributesCount: 0,
    flags: 0,
    traceId: null,
    spanId: null,
    // Older SDKs name the event in an attribute.
    eventName: 'gen_ai.choice',
  },
];

describe('decoding logs against the OpenTelemetry JS reference encoder', () => {
  it('decodes every field from ProtobufLogsSerializer', () => {
    const decoded = decodeLogsProto(ProtobufLogsSerializer.serializeRequest(records) as Uint8Array);
    expect(decoded.rejectedRecords).toBe(0);
    expect(decoded.records).toMatchObject(expected);
    expect(decoded.records[0]?.resource.attributes).toEqual(expectedAttributes({ 'service.name': 'chat-app', 'host.cores': 8 }));
    expect(decoded.records[0]?.scope).toMatchObject(scope);
  });

  it('decodes every field from JsonLogsSerializer', () => {
    const decoded = decodeLogsJson(new TextDecoder().decode(JsonLogsSerializer.serializeRequest(records) as Uint8Array));
    expect(decoded.rejectedRecords).toBe(0);
    expect(decoded.records).toMatchObject(expected);
    expect(decoded.records[1]?.scope.version).toBe('0.21.0');
  });

  it('refuses records whose ids have the wrong length, keeping the rest', () => {
    const json = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { traceId: 'abcd', body: { stringValue: 'bad' } },
                { spanId: spanId, body: { stringValue: 'span without trace' } },
                { severityNumber: 99 },
                { traceId, spanId, severityNumber: 'SEVERITY_NUMBER_WARN', body: { stringValue: 'ok' } },
              ],
            },
          ],
        },
      ],
    };
    const decoded = decodeLogsJson(JSON.stringify(json));
    expect(decoded.rejectedRecords).toBe(3);
    expect(decoded.rejections[0]).toMatch(/log record 0: trace_id must be empty or 16 bytes, got 2/);
    expect(decoded.rejections[1]).toMatch(/span_id is set without a trace_id/);
    expect(decoded.rejections[2]).toMatch(/severity_number 99/);
    expect(decoded.records).toHaveLength(1);
    expect(decoded.records[0]).toMatchObject({ severityNumber: 13, body: 'ok', traceId, spanId });
  });

  it('decodes the same in steps, pausing after every few records, in protobuf and OTLP/JSON', async () => {
    const many = referenceLogRecords(50, 4);
    const proto = ProtobufLogsSerializer.serializeRequest(many) as Uint8Array;
    const json = new TextDecoder().decode(JsonLogsSerializer.serializeRequest(many) as Uint8Array);
    for (const [decode, whole] of [
      [(pause: () => Promise<void>) => decodeLogsProtoInSteps(proto, 7, pause), decodeLogsProto(proto)],
      [(pause: () => Promise<void>) => decodeLogsJsonInSteps(json, 7, pause), decodeLogsJson(json)],
    ] as const) {
      let pauses = 0;
      const decoded = await decode(async () => {
        pauses++;
      });
      expect(pauses).toBe(Math.floor(50 / 7));
      expect(decoded.records).toHaveLength(50);
      expect(decoded).toEqual(whole);
    }
    await expect(decodeLogsJsonInSteps(json.slice(0, -3), 7, async () => undefined)).rejects.toThrow(DecodeError);
    await expect(decodeLogsProtoInSteps(proto.subarray(0, proto.length - 3), 7, async () => undefined)).rejects.toThrow(DecodeError);
  });

  it('refuses malformed bodies with a DecodeError', () => {
    const body = ProtobufLogsSerializer.serializeRequest(records) as Uint8Array;
    for (let cut = 1; cut < body.length; cut += 7) {
      try {
        const result = decodeLogsProto(body.subarray(0, cut));
        for (const r of result.records) expect(r.spanId === null || /^[0-9a-f]{16}$/.test(r.spanId)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(DecodeError);
      }
    }
    expect(() => decodeLogsJson('{"resourceLogs": 5}')).toThrow(/resourceLogs: expected an array/);
    expect(() => decodeLogsJson('not json')).toThrow(DecodeError);
  });
});

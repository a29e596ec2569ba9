import type { HrTime } from '@opentelemetry/api';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { referenceSpans } from '../../../../testing/reference-spans.js';
import { decodeExportDocument } from '../import/decode-export-document.js';
import { MAX_TIME_NS, timeRangeProblem } from '../model/time-range.js';
import { decodeLogsJson } from './decode-logs-json.js';
import { decodeLogsProto } from './decode-logs-proto.js';
import { decodeTracesJson } from './decode-traces-json.js';
import { decodeTracesProto } from './decode-traces-proto.js';

/** 2^63 ns — one past the latest time stored — as an OTel HrTime. */
const PAST_2262: HrTime = [9_223_372_037, 0];

/** Three valid spans, the second with `change` applied. */
function spansWith(change: (span: ReadableSpan) => ReadableSpan): ReadableSpan[] {
  return referenceSpans(3, 7).map((s, i) => (i === 1 ? change(s) : s));
}

const decoders = {
  protobuf: (spans: ReadableSpan[]) => decodeTracesProto(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array),
  json: (spans: ReadableSpan[]) => decodeTracesJson(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans) as Uint8Array)),
};

describe('times out of range', () => {
  it('has one range: 1970 up to 2^63 − 1 ns (2262-04-11)', () => {
    expect(timeRangeProblem('t', 0n)).toBeNull();
    expect(timeRangeProblem('t', MAX_TIME_NS)).toBeNull();
    expect(timeRangeProblem('t', MAX_TIME_NS + 1n)).toMatch(/t is after 2262-04-11/);
    expect(timeRangeProblem('t', -1n)).toMatch(/t is before 1970/);
  });

  for (const [encoding, decode] of Object.entries(decoders)) {
    it(`refuses a span whose start or end is at or past 2^63 ns, alone (${encoding})`, () => {
      for (const change of [
        (s: ReadableSpan) => ({ ...s, startTime: PAST_2262, endTime: [PAST_2262[0] + 1, 0] as HrTime }),
        (s: ReadableSpan) => ({ ...s, endTime: PAST_2262 }),
      ]) {
        const decoded = decode(spansWith(change));
        expect(decoded.spans).toHaveLength(2);
        expect(decoded.rejectedSpans).toBe(1);
        expect(decoded.rejections[0]).toMatch(/_time_unix_nano is after 2262-04-11/);
      }
    });

    it(`refuses a span with an event time past 2262, alone (${encoding})`, () => {
      const decoded = decode(
        spansWith((s) => ({ ...s, events: [{ name: 'late', time: PAST_2262, attributes: {}, droppedAttributesCount: 0 }] })),
      );
      expect(decoded.spans).toHaveLength(2);
      expect(decoded.rejections[0]).toMatch(/event 0 time_unix_nano is after 2262-04-11/);
    });
  }

  it('refuses JSON times that are not 64-bit (1e30) or negative, span by span', () => {
    const text = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(referenceSpans(3, 7)) as Uint8Array);
    const request = JSON.parse(text);
    const spans = request.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans));
    spans[0].startTimeUnixNano = 1e30;
    spans[0].endTimeUnixNano = 1e30;
    spans[1].startTimeUnixNano = '-5';
    const decoded = decodeTracesJson(JSON.stringify(request));
    expect(decoded.spans).toHaveLength(1);
    expect(decoded.rejectedSpans).toBe(2);
    expect(decoded.rejections.join('\n')).toMatch(/start_time_unix_nano is after 2262-04-11/);
    expect(decoded.rejections.join('\n')).toMatch(/start_time_unix_nano is before 1970/);
  });

  it('refuses log records with a time or observed time past 2262, alone (protobuf and JSON)', () => {
    const resource = resourceFromAttributes({ 'service.name': 'chat-app' });
    const record = (time: HrTime, observed: HrTime): ReadableLogRecord => ({
      hrTime: time,
      hrTimeObserved: observed,
      body: 'line',
      resource,
      instrumentationScope: { name: 'x' },
      attributes: {},
      droppedAttributesCount: 0,
    });
    const ok: HrTime = [1_760_000_000, 0];
    const records = [record(ok, ok), record(PAST_2262, ok), record(ok, PAST_2262)];
    const proto = decodeLogsProto(ProtobufLogsSerializer.serializeRequest(records) as Uint8Array);
    const json = decodeLogsJson(new TextDecoder().decode(JsonLogsSerializer.serializeRequest(records) as Uint8Array));
    for (const decoded of [proto, json]) {
      expect(decoded.records).toHaveLength(1);
      expect(decoded.rejectedRecords).toBe(2);
      expect(decoded.rejections.join('\n')).toMatch(/observed_time_unix_nano is after 2262-04-11/);
    }
  });

  it('refuses an imported span past 2262, alone', () => {
    const span = (id: string, start: string) => ({
      trace_id: 'ab'.repeat(16),
      span_id: id.repeat(8),
      name: 'chat',
      start_time_unix_nano: start,
      end_time_unix_nano: start,
    });
    const decoded = decodeExportDocument(
      JSON.stringify({
        format: 'sightline-export',
        version: 1,
        spans: [span('a1', '1760000000000000000'), span('b2', '9223372036854775808')],
      }),
    );
    expect(decoded.spans).toHaveLength(1);
    expect(decoded.rejections[0]).toMatch(/spans\[1\].*start_time_unix_nano is after 2262-04-11/);
  });
});

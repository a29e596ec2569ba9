import { JsonTraceSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceSpans } from '../../../testing/reference-spans.js';
import { getJson, postJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer();
});
afterAll(() => sl.stop());

describe('records with times the store cannot hold', () => {
  it('a log record at 2^63 ns or later is refused alone (partial success), not retried forever', async () => {
    const resource = resourceFromAttributes({ 'service.name': 'chat-app' });
    const record = (seconds: number, body: string): ReadableLogRecord => ({
      hrTime: [seconds, 0],
      hrTimeObserved: [1_760_000_000, 0],
      body,
      resource,
      instrumentationScope: { name: 'x' },
      attributes: {},
      droppedAttributesCount: 0,
    });
    const body = ProtobufLogsSerializer.serializeRequest([record(1_760_000_000, 'kept'), record(9_300_000_000, 'too late')]) as Uint8Array;
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await fetch(`${sl.otlpHttp}/v1/logs`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body });
      expect(res.status).toBe(200);
      const answer = Buffer.from(await res.arrayBuffer()).toString('latin1');
      expect(answer).toContain('time_unix_nano is after 2262-04-11');
    }
    expect((await getJson(sl.api, '/healthz')).body.ingest.committed_logs).toBe(1);
  });

  it('an LLM span at 1e30 ns (JSON) is refused alone; its neighbours are stored and priced', async () => {
    const spans = referenceSpans(3, 11);
    for (const s of spans) Object.assign(s.attributes, { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' });
    const request = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans) as Uint8Array));
    const wire = request.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans));
    wire[2].startTimeUnixNano = 1e30;
    wire[2].endTimeUnixNano = 1e30;
    const res = await postJson(sl.otlpHttp, '/v1/traces', request);
    expect(res.status).toBe(200);
    expect(res.body.partialSuccess.rejectedSpans).toBe('1');
    expect(res.body.partialSuccess.errorMessage).toMatch(/start_time_unix_nano is after 2262-04-11/);
    const traceId = spans[0]?.spanContext().traceId;
    expect((await getJson(sl.api, `/api/traces/${traceId}`)).body.spans).toHaveLength(2);
    const calls = (await getJson(sl.api, `/api/llm-calls?trace_id=${traceId}`)).body.data;
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call.price_model).toMatch(/^gpt-4o-mini/);
  });

  it('a Llama Stack event with a ttl_seconds whose expiry would overflow is refused with 400 naming the field', async () => {
    const event = {
      type: 'unstructured_log',
      trace_id: 'a'.repeat(32),
      span_id: 'b'.repeat(16),
      timestamp: '2026-01-01T00:00:00Z',
      message: 'hello',
    };
    const res = await postJson(sl.api, '/v1/telemetry/log-event', { event, ttl_seconds: 7.4e9 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/"ttl_seconds" must be a positive integer of at most 3155760000/);
  });

  it('a Llama Stack event in the year 1000 is refused with 400, not stored as 2169', async () => {
    const event = {
      type: 'unstructured_log',
      trace_id: 'c'.repeat(32),
      span_id: 'd'.repeat(16),
      timestamp: '1000-01-01T00:00:00Z',
      message: 'hello',
    };
    const res = await postJson(sl.api, '/v1/telemetry/log-event', { event });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/"event.timestamp" is before 1970/);
  });
});

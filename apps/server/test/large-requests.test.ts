import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeTracesProto } from '@sightline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { referenceLogRecords } from '../../../testing/reference-logs.js';
import { referenceSpans } from '../../../testing/reference-spans.js';
import { gatedStorage } from './support/gated-storage.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer | undefined;
afterEach(async () => {
  await sl?.stop();
  sl = undefined;
});

/**
 * Asks /healthz again and again while a request of `total` items is read: between its steps,
 * it answers with part of the request queued (in one go, it could only ever see none or all).
 */
async function expectQueuedInSteps(server: TestServer, total: number): Promise<void> {
  const pending = new Set<number>();
  for (let i = 0; i < 10_000; i++) {
    const now = (await getJson(server.api, '/healthz')).body.ingest.pending_spans as number;
    pending.add(now);
    if (now === total) break;
  }
  expect([...pending].some((n) => n > 0 && n < total)).toBe(true);
  expect(pending.has(total)).toBe(true);
}

describe('a large request', () => {
  it.each([
    ['protobuf', 'application/x-protobuf', 12_000],
    // OTLP/JSON is bigger: fewer spans stay under the body limit.
    ['JSON', 'application/json', 6_000],
  ])(
    'in %s is read in steps: the server answers other requests while it decodes and queues it, then stores it whole',
    async (format, type, count) => {
      // The store holds every batch until opened, so what is queued can be watched.
      const store = gatedStorage();
      sl = await startTestServer({ storage: store.storage });
      const server = sl;
      const spans = referenceSpans(count, 5);
      const body = (format === 'JSON' ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(spans) as Uint8Array;
      expect(body.length).toBeGreaterThan(1024 * 1024);
      const total = decodeTracesProto(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array).spans.length;

      const posted = fetch(`${server.otlpHttp}/v1/traces`, {
        method: 'POST',
        headers: { 'Content-Type': type },
        body,
      });
      await expectQueuedInSteps(server, total);

      store.open();
      expect((await posted).status).toBe(200);
      const traces = await getJson(server.api, '/api/traces?limit=5');
      expect(traces.body.data.map((t: { span_count: number }) => t.span_count)).toEqual([total]);
    },
  );

  it.each([
    ['protobuf', 'application/x-protobuf'],
    ['JSON', 'application/json'],
  ])('of log records in %s is read and queued in steps too, then stored whole', async (format, type) => {
    const store = gatedStorage();
    sl = await startTestServer({ storage: store.storage });
    const server = sl;
    const count = 6_000;
    const records = referenceLogRecords(count, 6);
    const body = (format === 'JSON' ? JsonLogsSerializer : ProtobufLogsSerializer).serializeRequest(records) as Uint8Array;
    expect(body.length).toBeGreaterThan(1024 * 1024);

    const posted = fetch(`${server.otlpHttp}/v1/logs`, { method: 'POST', headers: { 'Content-Type': type }, body });
    await expectQueuedInSteps(server, count);

    store.open();
    expect((await posted).status).toBe(200);
    expect((await getJson(server.api, '/healthz')).body.ingest.committed_logs).toBe(count);
  });

  it('of metric points in OTLP/JSON is read and queued in steps too, then stored whole', async () => {
    const store = gatedStorage();
    sl = await startTestServer({ storage: store.storage });
    const server = sl;
    const now = BigInt(Date.now()) * 1_000_000n;
    const metrics = Array.from({ length: 100 }, (_, m) => ({
      name: `app.requests.${m}`,
      sum: {
        aggregationTemporality: 2,
        isMonotonic: true,
        dataPoints: Array.from({ length: 60 }, (_, i) => ({
          startTimeUnixNano: String(now - 60_000_000_000n),
          timeUnixNano: String(now + BigInt(i)),
          asInt: String(i),
          attributes: [{ key: 'route', value: { stringValue: `/route/${i}/with/a/longer/path/to/make/the/body/larger` } }],
        })),
      },
    }));
    const body = JSON.stringify({
      resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ scope: { name: 'app' }, metrics }] }],
    });
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const posted = fetch(`${server.otlpHttp}/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    await expectQueuedInSteps(server, 6_000);
    store.open();
    expect((await posted).status).toBe(200);
    // Answered once every step is committed: nothing of it is left pending.
    expect((await getJson(server.api, '/healthz')).body.ingest.pending_spans).toBe(0);
  });
});

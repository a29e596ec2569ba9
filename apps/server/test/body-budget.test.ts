import { request } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceSpans } from '../../../testing/reference-spans.js';
import { TRACE_SERVICE } from '../src/otlp/otlp-grpc.js';
import { postTraces } from './support/fixtures.js';
import { type GatedStorage, gatedStorage } from './support/gated-storage.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

const BUDGET = 256 * 1024;

let sl: TestServer;
let gate: GatedStorage;
beforeAll(async () => {
  gate = gatedStorage();
  sl = await startTestServer({ storage: gate.storage, maxBodyBytesInFlight: BUDGET });
});
afterAll(() => sl.stop());

/** A protobuf request of about `kib` KiB: spans padded with a long attribute. */
function bodyOf(kib: number, seed: number): Uint8Array {
  const spans = referenceSpans(4, seed);
  for (const s of spans) s.attributes.padding = 'x'.repeat(kib * 256);
  return ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
}

const post = (body: Uint8Array) => postTraces(sl.otlpHttp, body);

/** Posts without a Content-Length (chunked), as a streaming client does. */
function postChunked(body: Uint8Array): Promise<{ status: number; retryAfter: string | undefined }> {
  const url = new URL(`${sl.otlpHttp}/v1/traces`);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
    });
    req.setHeader('Content-Type', 'application/x-protobuf');
    req.on('error', reject);
    for (let at = 0; at < body.length; at += 16 * 1024) req.write(body.subarray(at, at + 16 * 1024));
    req.end();
  });
}

describe('request bytes held at once', () => {
  it('are capped: beyond the budget a request is told to retry later (HTTP 503, gRPC UNAVAILABLE), then let in', async () => {
    // 200 KiB held by a request waiting on the store.
    const first = post(bodyOf(200, 1));
    for (let i = 0; i < 100 && (await getJson(sl.api, '/healthz')).body.ingest.body_bytes_in_flight === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect((await getJson(sl.api, '/healthz')).body.ingest.body_bytes_in_flight).toBeGreaterThan(200 * 1024);

    const refused = await post(bodyOf(100, 2));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.text()).toContain('retry later');

    const chunked = await postChunked(bodyOf(100, 3));
    expect(chunked).toEqual({ status: 503, retryAfter: '1' });

    const Client = grpc.makeGenericClientConstructor(TRACE_SERVICE, 'TraceService');
    const client = new Client(sl.grpc, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      Export: (req: Buffer, cb: (err: grpc.ServiceError | null) => void) => void;
    };
    const grpcErr = await new Promise<grpc.ServiceError | null>((resolve) => client.Export(Buffer.from(bodyOf(100, 4)), resolve));
    expect(grpcErr?.code).toBe(grpc.status.UNAVAILABLE);
    client.close();

    // A small request still fits beside the first.
    const small = post(bodyOf(10, 5));
    gate.open();
    expect((await first).status).toBe(200);
    expect((await small).status).toBe(200);
    const health = (await getJson(sl.api, '/healthz')).body.ingest;
    expect(health.body_bytes_in_flight).toBe(0);
    expect(health.refused_busy).toBe(3);
    expect((await post(bodyOf(100, 2))).status).toBe(200);
  });

  it('let a body larger than the budget in when nothing else is held', async () => {
    expect((await post(bodyOf(400, 6))).status).toBe(200);
    expect((await postChunked(bodyOf(400, 7))).status).toBe(200);
  });
});

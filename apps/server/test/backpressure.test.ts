import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACE_SERVICE } from '../src/otlp/otlp-grpc.js';
import { referenceTracesBody as body, postTraces } from './support/fixtures.js';
import { type GatedStorage, gatedStorage } from './support/gated-storage.js';
import { getJson, json, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
let gate: GatedStorage;
beforeAll(async () => {
  gate = gatedStorage();
  sl = await startTestServer({ storage: gate.storage, maxPendingSpans: 100 });
});
afterAll(() => sl.stop());

describe('when the writer falls behind', () => {
  it('refuses new work with 503 + Retry-After (HTTP) and UNAVAILABLE (gRPC), then catches up', async () => {
    const first = postTraces(sl.otlpHttp, body(80, 1));
    // Wait until the first request's 80 spans are queued behind the stalled writer.
    for (let i = 0; i < 100 && sl.server.queue.stats.pendingSpans < 80; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sl.server.queue.stats.pendingSpans).toBe(80);

    const refused = await postTraces(sl.otlpHttp, body(80, 2));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');

    const jsonRefused = await postTraces(
      sl.api,
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: Array.from({ length: 30 }, (_, i) => ({
                  traceId: 'ab'.repeat(16),
                  spanId: (i + 1).toString(16).padStart(16, '0'),
                  name: 'x',
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                })),
              },
            ],
          },
        ],
      }),
    );
    expect(jsonRefused.status).toBe(503);
    expect((await json(jsonRefused)).error.code).toBe('unavailable');

    const Client = grpc.makeGenericClientConstructor(TRACE_SERVICE, 'TraceService');
    const client = new Client(sl.grpc, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      Export: (req: Buffer, cb: (err: grpc.ServiceError | null) => void) => void;
    };
    const grpcErr = await new Promise<grpc.ServiceError | null>((resolve) => client.Export(Buffer.from(body(80, 3)), resolve));
    expect(grpcErr?.code).toBe(grpc.status.UNAVAILABLE);
    client.close();

    expect(sl.server.queue.stats.pendingSpans).toBe(80);
    gate.open();
    expect((await first).status).toBe(200);
    expect(sl.server.queue.stats.pendingSpans).toBe(0);
    const health = await getJson(sl.api, '/healthz');
    expect(health.body.ingest).toMatchObject({ committed_spans: 80, refused_requests: 3 });
    // Accepting again.
    const later = await postTraces(sl.otlpHttp, body(80, 2));
    expect(later.status).toBe(200);
  });
});

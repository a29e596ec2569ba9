import * as grpc from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceSpans } from '../../../testing/reference-spans.js';
import { TRACE_SERVICE } from '../src/otlp/otlp-grpc.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
let client: grpc.Client & { Export: (req: Buffer, cb: (err: grpc.ServiceError | null, res?: Buffer) => void) => void };
beforeAll(async () => {
  sl = await startTestServer();
  const Client = grpc.makeGenericClientConstructor(TRACE_SERVICE, 'TraceService');
  client = new Client(sl.grpc, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  }) as unknown as typeof client;
});
afterAll(async () => {
  client.close();
  await sl.stop();
});

const exportRaw = (body: Uint8Array) =>
  new Promise<{ err: grpc.ServiceError | null; res?: Buffer }>((resolve) =>
    client.Export(Buffer.from(body), (err, res) => resolve({ err, res })),
  );

describe('OTLP/gRPC answers', () => {
  it('stores spans and answers an empty ExportTraceServiceResponse', async () => {
    const spans = referenceSpans(5, 71);
    const { err, res } = await exportRaw(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
    expect(err).toBeNull();
    expect(res?.length).toBe(0);
    const trace = await getJson(sl.api, `/api/traces/${spans[0]?.spanContext().traceId}`);
    expect(trace.body.spans).toHaveLength(5);
  });

  it('accepts an empty request', async () => {
    expect((await exportRaw(new Uint8Array(0))).err).toBeNull();
  });

  it('reports invalid spans in partial_success', async () => {
    const spans = referenceSpans(3, 72);
    const bad = { ...spans[1], endTime: [1, 0] } as (typeof spans)[number];
    const { err, res } = await exportRaw(ProtobufTraceSerializer.serializeRequest([spans[0]!, bad, spans[2]!]) as Uint8Array);
    expect(err).toBeNull();
    const answer = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(res as Buffer));
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toContain('end_time_unix_nano is before start_time_unix_nano');
  });

  it('answers INVALID_ARGUMENT to a body that is not protobuf', async () => {
    const { err } = await exportRaw(Buffer.from('definitely not protobuf'));
    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/^cannot decode the request: /);
  });

  it('answers RESOURCE_EXHAUSTED to a message over 4 MiB', async () => {
    const { err } = await exportRaw(Buffer.alloc(5 * 1024 * 1024));
    expect(err?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await getJson(sl.api, '/healthz')).status).toBe(200);
  });
});

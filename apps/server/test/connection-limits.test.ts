import { connect, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceSpans } from '../../../testing/reference-spans.js';
import { TRACE_SERVICE } from '../src/otlp/otlp-grpc.js';
import { postTraces } from './support/fixtures.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

const CAP = 50;
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 1300;
const KEEP_ALIVE_TIMEOUT_MS = 200;
const IDLE_TIMEOUT_MS = 2000;

let sl: TestServer;
const warnings: string[] = [];
beforeAll(async () => {
  sl = await startTestServer({
    logger: { info() {}, warn: (message) => warnings.push(message), error() {} },
    connectionLimits: {
      maxConnections: CAP,
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
    },
  });
});
afterAll(() => sl.stop());

interface Client {
  readonly socket: Socket;
  /** Resolves when the server closes the connection: what it sent, and when (ms after connecting). */
  readonly closed: Promise<{ text: string; afterMs: number }>;
}

/** A TCP connection to `port` that sends only what the test writes. */
async function openClient(port: number): Promise<Client> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {}); // a connection closed at the cap may be reset
  let text = '';
  socket.on('data', (chunk) => {
    text += chunk.toString('latin1');
  });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const opened = Date.now();
  const closed = new Promise<{ text: string; afterMs: number }>((resolve) => {
    socket.once('close', () => resolve({ text, afterMs: Date.now() - opened }));
  });
  return { socket, closed };
}

const port = (url: string) => Number(new URL(url).port);

async function healthz(): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${sl.api}/healthz`, { headers: { Connection: 'close' } });
  await res.arrayBuffer();
  return { status: res.status, ms: Date.now() - started };
}

/** Exports `spans` over OTLP/gRPC on a connection of its own; resolves to the call's error, if any. */
async function grpcExport(spans: ReturnType<typeof referenceSpans>): Promise<grpc.ServiceError | null> {
  const Client = grpc.makeGenericClientConstructor(TRACE_SERVICE, 'TraceService');
  const client = new Client(sl.grpc, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    Export: (req: Buffer, cb: (err: grpc.ServiceError | null) => void) => void;
  };
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
  try {
    return await new Promise((resolve) => client.Export(body, (err) => resolve(err)));
  } finally {
    client.close();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('connections', () => {
  it('answers 408 and closes when the headers, or the whole request, take too long to arrive', async () => {
    const silent = await Promise.all(Array.from({ length: 5 }, () => openClient(port(sl.api))));
    const slowHeaders = await openClient(port(sl.otlpHttp));
    slowHeaders.socket.write('POST /v1/traces HTTP/1.1\r\n');
    const slowBody = await openClient(port(sl.otlpHttp));
    slowBody.socket.write('POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
    const trickle = setInterval(() => {
      slowHeaders.socket.write('X-Padding: 1\r\n');
      slowBody.socket.write(' ');
    }, 100);
    const headerResults = await Promise.all([...silent, slowHeaders].map((c) => c.closed));
    const bodyResult = await slowBody.closed;
    clearInterval(trickle);
    for (const { text, afterMs } of headerResults) {
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(afterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
      expect(afterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 1000);
    }
    expect(bodyResult.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyResult.afterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(bodyResult.afterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1000);
  });

  it('closes a keep-alive connection that sends no next request after the keep-alive timeout', async () => {
    const client = await openClient(port(sl.api));
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const { text, afterMs } = await client.closed;
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).not.toContain('408 Request Timeout');
    expect(afterMs).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS);
    // Node keeps the socket up to a second past the timeout it advertises, never to the idle timeout.
    expect(afterMs).toBeLessThan(IDLE_TIMEOUT_MS);
  });

  it(`holds at most ${CAP} connections per listener: a new one takes the place of the longest idle`, async () => {
    const clients: Client[] = [];
    for (let i = 0; i < CAP + 30; i++) clients.push(await openClient(port(sl.api)));
    // A flood of silent connections does not lock anyone out, on this listener or the others.
    const health = await healthz();
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(HEADERS_TIMEOUT_MS / 2);
    const exported = await postTraces(sl.otlpHttp, '{}');
    expect(exported.status).toBe(200);

    const results = await Promise.all(clients.map((c) => c.closed));
    // The 31 that waited longest made room (for the 30 after them and the /healthz request),
    // closed without an answer at once; the rest timed out waiting for headers.
    const replaced = results.filter((r) => r.text === '');
    const timedOut = results.filter((r) => r.text.startsWith('HTTP/1.1 408 '));
    expect(replaced).toHaveLength(31);
    expect(replaced.every((r) => r.afterMs < HEADERS_TIMEOUT_MS / 2)).toBe(true);
    expect(results.slice(0, 31)).toEqual(replaced);
    expect(timedOut).toHaveLength(CAP - 1);
    expect(warnings).toEqual([`api listener: ${CAP} connections are open, the limit; closing the longest idle ones to admit new ones`]);
  });

  it('turns new connections away while every connection has a request in progress', async () => {
    warnings.length = 0;
    // Each sends its headers and part of its body, then waits: a request in progress.
    const uploading: Client[] = [];
    for (let i = 0; i < CAP; i++) {
      const c = await openClient(port(sl.api));
      c.socket.write('POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
      uploading.push(c);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const late = await openClient(port(sl.api));
    const refused = await late.closed;
    expect(refused.text).toBe('');
    expect(refused.afterMs).toBeLessThan(REQUEST_TIMEOUT_MS / 2);
    expect(warnings).toEqual([
      `api listener: ${CAP} connections are open, the limit, each with a request in progress; closing new ones as they arrive`,
    ]);
    // Once those requests end (here: they time out), new connections are taken again.
    const ended = await Promise.all(uploading.map((c) => c.closed));
    expect(ended.every((r) => r.text.startsWith('HTTP/1.1 408 '))).toBe(true);
    expect((await healthz()).status).toBe(200);
  });

  it(`answers /healthz at once while ${CAP - 10} idle connections are open`, async () => {
    const clients = await Promise.all(Array.from({ length: CAP - 10 }, () => openClient(port(sl.api))));
    const health = await healthz();
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(1000);
    for (const c of clients) c.socket.destroy();
  });

  it(`holds at most ${CAP} gRPC connections: a new one takes the place of the oldest that has sent nothing`, async () => {
    const grpcPort = port(`http://${sl.grpc}`);
    const silent: Client[] = [];
    for (let i = 0; i < CAP; i++) silent.push(await openClient(grpcPort));
    const spans = referenceSpans(2, 81);
    expect(await grpcExport(spans)).toBeNull();
    const trace = await getJson(sl.api, `/api/traces/${spans[0]?.spanContext().traceId}`);
    expect(trace.status).toBe(200);
    // The oldest made room for the exporter, at once; the others are still open.
    const oldest = await silent[0]?.closed;
    expect(oldest?.afterMs).toBeLessThan(IDLE_TIMEOUT_MS / 2);
    expect(silent.slice(1).every((c) => !c.socket.destroyed)).toBe(true);
    for (const c of silent) c.socket.destroy();
    await pause(200);
  });

  it('turns gRPC connections away while every one is in use', async () => {
    warnings.length = 0;
    const grpcPort = port(`http://${sl.grpc}`);
    const talking: Client[] = [];
    for (let i = 0; i < CAP; i++) {
      const c = await openClient(grpcPort);
      c.socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
      talking.push(c);
    }
    await pause(200);
    const late = await openClient(grpcPort);
    const refused = await late.closed;
    expect(refused.text).toBe('');
    expect(refused.afterMs).toBeLessThan(IDLE_TIMEOUT_MS / 2);
    expect(warnings).toEqual([`grpc listener: ${CAP} connections are open, the limit, each in use; closing new ones as they arrive`]);
    for (const c of talking) c.socket.destroy();
    await pause(200);
  });

  it('shuts down at once with connections open that never sent a request', async () => {
    const other = await startTestServer();
    const silent = await Promise.all(Array.from({ length: 5 }, () => openClient(port(other.api))));
    const started = Date.now();
    await other.stop();
    // Not after the 15 s headers timeout, nor the 10 s a shutdown waits before closing everything.
    expect(Date.now() - started).toBeLessThan(2000);
    for (const { text } of await Promise.all(silent.map((c) => c.closed))) expect(text).toBe('');
  });

  it('closes a gRPC connection that sends nothing after the idle timeout', async () => {
    const client = await openClient(port(`http://${sl.grpc}`));
    const { afterMs } = await client.closed;
    expect(afterMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 50);
    // grpc-js checks idleness on a timer; one that fires a hair early waits a second period.
    expect(afterMs).toBeLessThan(2 * IDLE_TIMEOUT_MS + 1000);
  });
});

import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.js';

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

  it(`holds at most ${CAP} connections per listener; /healthz answers again once idle ones time out`, async () => {
    const clients = await Promise.all(Array.from({ length: CAP + 30 }, () => openClient(port(sl.api))));
    // The other listeners keep their own connections: exports still arrive.
    const exported = await fetch(`${sl.otlpHttp}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(exported.status).toBe(200);

    const results = await Promise.all(clients.map((c) => c.closed));
    const turnedAway = results.filter((r) => r.text === '');
    const timedOut = results.filter((r) => r.text.startsWith('HTTP/1.1 408 '));
    expect(turnedAway).toHaveLength(30);
    expect(turnedAway.every((r) => r.afterMs < HEADERS_TIMEOUT_MS / 2)).toBe(true);
    expect(timedOut).toHaveLength(CAP);
    expect(warnings).toEqual([`api listener: ${CAP} connections are open, the limit; closing new ones as they arrive`]);

    const health = await healthz();
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(1000);
  });

  it(`answers /healthz at once while ${CAP - 10} idle connections are open`, async () => {
    const clients = await Promise.all(Array.from({ length: CAP - 10 }, () => openClient(port(sl.api))));
    const health = await healthz();
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(1000);
    for (const c of clients) c.socket.destroy();
  });

  it('closes a gRPC connection that sends nothing after the idle timeout', async () => {
    const client = await openClient(port(`http://${sl.grpc}`));
    const { afterMs } = await client.closed;
    expect(afterMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 50);
    // grpc-js checks idleness on a timer; one that fires a hair early waits a second period.
    expect(afterMs).toBeLessThan(2 * IDLE_TIMEOUT_MS + 1000);
  });
});

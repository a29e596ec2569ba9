import { request } from 'node:http';
import { MemoryStorage } from '@sightline/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback } from '../src/http/browser-guard.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** An HTTP request with whatever headers a browser (or an attacker's page) would send, Host included. */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let loopback: TestServer;
beforeAll(async () => {
  loopback = await startTestServer({ storage: new MemoryStorage() });
});
afterAll(() => loopback?.stop());

const OTLP_JSON = JSON.stringify({ resourceSpans: [] });

describe('a server on loopback, against pages of other sites', () => {
  it('refuses a request whose Host is another site’s name (DNS rebinding), and serves its own names', async () => {
    const rebound = await send(loopback.api, 'GET', '/api/traces', { Host: 'evil.example' });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error).toMatchObject({ code: 'forbidden' });
    expect(JSON.parse(rebound.body).error.message).toMatch(/^Host "evil\.example" is not a name of this server/);
    expect((await send(loopback.api, 'GET', '/', { Host: 'evil.example:4800' })).status).toBe(403);
    const port = new URL(loopback.api).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `app.localhost:${port}`])
      expect((await send(loopback.api, 'GET', '/api/traces', { Host: host })).status, host).toBe(200);
  });

  it('takes OTLP from an exporter whatever Host it names', async () => {
    const res = await send(
      loopback.api,
      'POST',
      '/v1/traces',
      { Host: 'collector.internal', 'Content-Type': 'application/json' },
      OTLP_JSON,
    );
    expect(res.status).toBe(200);
  });

  it('holds a browser writing OTLP to either port to the same rules (no rebinding, no other origin)', async () => {
    for (const base of [loopback.api, loopback.otlpHttp]) {
      const rebound = await send(
        base,
        'POST',
        '/v1/traces',
        {
          Host: `evil.example:${new URL(base).port}`,
          Origin: `http://evil.example:${new URL(base).port}`,
          'Content-Type': 'application/json',
        },
        OTLP_JSON,
      );
      expect(rebound.status, base).toBe(403);
      const page = await send(
        base,
        'POST',
        '/v1/traces',
        { Origin: 'http://localhost:3000', 'Content-Type': 'application/json' },
        OTLP_JSON,
      );
      expect(page.status, base).toBe(403);
      const exporter = await send(
        base,
        'POST',
        '/v1/traces',
        { Host: 'collector.internal', 'Content-Type': 'application/json' },
        OTLP_JSON,
      );
      expect(exporter.status, base).toBe(200);
    }
  });

  it('refuses a change requested by a page of another site, and takes one from its own pages and from programs', async () => {
    const path = '/api/admin/recompute-costs';
    const json = { 'Content-Type': 'application/json' };
    const csrf = await send(loopback.api, 'POST', path, { ...json, Origin: 'http://evil.example' }, '{}');
    expect(csrf.status).toBe(403);
    expect(JSON.parse(csrf.body).error.message).toContain('a page of another site (http://evil.example) may not change anything here');
    expect((await send(loopback.api, 'POST', path, { ...json, 'Sec-Fetch-Site': 'cross-site' }, '{}')).status).toBe(403);
    expect((await send(loopback.api, 'POST', path, { ...json, Origin: 'null' }, '{}')).status).toBe(403);
    const port = new URL(loopback.api).port;
    expect((await send(loopback.api, 'POST', path, { ...json, Origin: `http://127.0.0.1:${port}` }, '{}')).status).toBe(200);
    expect((await send(loopback.api, 'POST', path, json, '{}')).status).toBe(200);
    // Another port of this machine is another origin: a page served there may not change anything.
    for (const other of ['http://localhost:3000', `http://127.0.0.1:${Number(port) + 1}`]) {
      const res = await send(loopback.api, 'POST', '/api/import', { ...json, Origin: other }, '{}');
      expect(res.status, other).toBe(403);
    }
    // Reading is not a change: a cross-site GET gets no CORS header, so the page cannot read it.
    const read = await send(loopback.api, 'GET', '/api/traces', { Origin: 'http://evil.example' });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the names and origins a server is told about', () => {
  it('accepts the --public-url host, and answers CORS only for the listed origins', async () => {
    const sl = await startTestServer({
      storage: new MemoryStorage(),
      publicUrl: 'https://sightline.example.com',
      corsOrigins: ['https://app.example.com'],
    });
    try {
      expect((await send(sl.api, 'GET', '/api/traces', { Host: 'sightline.example.com' })).status).toBe(200);
      expect((await send(sl.api, 'GET', '/api/traces', { Host: 'other.example.com' })).status).toBe(403);
      const preflight = await send(sl.api, 'OPTIONS', '/api/traces', {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'GET',
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(preflight.headers['access-control-allow-methods']).toBe('GET, POST, PATCH, DELETE');
      const allowed = await send(sl.api, 'GET', '/api/traces', { Origin: 'https://app.example.com' });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
      const other = await send(sl.api, 'GET', '/api/traces', { Origin: 'https://evil.example' });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      const change = await send(
        sl.api,
        'POST',
        '/api/admin/recompute-costs',
        { Origin: 'https://app.example.com', 'Content-Type': 'application/json' },
        '{}',
      );
      expect(change.status).toBe(200);
    } finally {
      await sl.stop();
    }
  });

  it('on all interfaces, takes IP addresses and this machine’s name, not other names', async () => {
    const sl = await startTestServer({ storage: new MemoryStorage(), host: '0.0.0.0', auth: 'off' });
    try {
      const api = sl.api.replace('0.0.0.0', '127.0.0.1');
      expect((await send(api, 'GET', '/api/traces', { Host: '10.1.2.3:4800' })).status).toBe(200);
      expect((await send(api, 'GET', '/api/traces', { Host: (await import('node:os')).hostname() })).status).toBe(200);
      expect((await send(api, 'GET', '/api/traces', { Host: 'evil.example' })).status).toBe(403);
    } finally {
      await sl.stop();
    }
  });

  it('knows loopback names', () => {
    for (const h of ['localhost', 'a.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['localhost.evil.example', '128.0.0.1', '0.0.0.0', 'example.com']) expect(isLoopback(h), h).toBe(false);
  });
});

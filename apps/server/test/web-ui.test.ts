import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebUi } from '../src/http/web-ui.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer();
});
afterAll(() => sl.stop());

/** A GET with the raw answer (fetch would undo gzip and hide the header's effect). */
function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const url = new URL(sl.api + path);
  return new Promise((resolve, reject) => {
    request({ host: url.hostname, port: url.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('the web UI at / on the main port', () => {
  it('holds one copy of a file however many names it is asked by', async () => {
    const ui = WebUi.installed();
    const index = (await get('/')).body.toString('utf8');
    const asset = /\/assets\/[^"]+\.js/.exec(index)?.[0] as string;
    const server = await startTestServer({ ui });
    try {
      const via = (path: string) => fetch(server.api + path);
      expect((await via(asset)).status).toBe(200);
      const held = ui.heldFiles;
      const name = asset.slice('/assets/'.length);
      for (let i = 0; i < 50; i++) {
        const alias = i % 2 ? `/assets/r${i}%2F..%2F${name}` : `/assets/${'/'.repeat(i + 1)}${name}`;
        expect((await via(alias)).status, alias).toBe(200);
      }
      expect(ui.heldFiles).toBe(held);
    } finally {
      await server.stop();
    }
  });

  it('is built, so these tests see what a user gets', () => {
    expect(WebUi.installed().available).toBe(true);
  });

  it('answers every page of the app with its page, under a CSP that runs only its own scripts', async () => {
    for (const path of [
      '/',
      '/traces',
      '/traces/4bf92f3577b34da6a3ce929d0e0e4736?span=00f067aa0ba902b7',
      '/calls',
      '/sessions',
      '/sessions/conv-42',
      '/users',
      '/users/ann',
      '/dashboard',
      '/metrics',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body.toString()).toContain('<div id="root"></div>');
      const csp = res.headers['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('has no inline script to run: every script is a file of the app', async () => {
    const html = (await get('/traces')).body.toString();
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, inner] of scripts) {
      expect(tag).toMatch(/src="\/assets\/[^"]+\.js"/);
      expect(inner?.trim()).toBe('');
    }
  });

  it('serves hashed assets for a year, gzipped when the browser takes it', async () => {
    const html = (await get('/traces')).body.toString();
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
    const plain = await get(js);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const zipped = await get(js, { 'Accept-Encoding': 'gzip, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
  });

  it("shows the app's own not-found page for unknown paths (404), and keeps API misses JSON", async () => {
    const page = await get('/no/such/page');
    expect(page.status).toBe(404);
    expect(page.body.toString()).toContain('<div id="root"></div>');
    const api = await get('/api/no-such-thing');
    expect(api.status).toBe(404);
    expect(JSON.parse(api.body.toString()).error.code).toBe('not_found');
  });

  it('never serves a file outside the UI', async () => {
    for (const path of ['/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json']) {
      const res = await get(path);
      expect(res.body.toString()).not.toContain('"name"');
    }
  });
});

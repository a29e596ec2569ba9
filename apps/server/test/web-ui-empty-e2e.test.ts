// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators; innerText is the text a person sees.
import { status } from '@grpc/grpc-js';
import { encodeTracesProto } from '@sightline/core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TRACE_SERVICE } from '../src/otlp/otlp-grpc.js';
import { browserBed } from './support/browser-bed.js';
import { postTraces } from './support/fixtures.js';
import { RawGrpcExporter } from './support/fuzz-send.js';
import { startTestServer } from './support/test-server.js';

/* The web UI of a server that holds nothing yet (on ports of its own, not the defaults), and of one whose API fails. */

const bed = browserBed(() => startTestServer());

async function open(path: string): Promise<Page> {
  const page = await bed.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(bed.server.api + path);
  return page;
}

const steps = (page: Page) => page.locator('.empty .steps .card');

describe('the web UI with nothing to show', () => {
  it('tells how to send data to this server’s own address: the demo, the SDK and any OTLP exporter', async () => {
    const page = await open('/traces');
    await page.getByRole('heading', { name: 'No traces yet' }).waitFor();
    const origin = new URL(bed.server.api).origin;
    const text = (await steps(page).allInnerTexts()).join('\n');
    expect(text).toContain(`npx sightline demo \\\n  --url ${origin}`);
    expect(text).toContain(`endpoint: '${origin}'`);
    expect(text).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=${origin}`);
    // What it says works: an OTLP/HTTP body posted there is taken.
    const res = await postTraces(origin, '{}');
    expect(res.status).toBe(200);
    // Addresses are shown whole, on one line each.
    const address = page.locator('.empty pre', { hasText: 'OTEL_EXPORTER_OTLP_ENDPOINT' }).first();
    expect((await address.innerText()).split('\n')[0]).toBe(`OTEL_EXPORTER_OTLP_ENDPOINT=${origin}`);
    // And OTLP/gRPC on the port this server took (not the default 4317), where an export is taken too.
    const grpc = (await page.locator('.empty pre', { hasText: 'OTEL_EXPORTER_OTLP_PROTOCOL=grpc' }).innerText()).split('\n');
    const port = bed.server.grpc.split(':')[1];
    expect(port).not.toBe('4317');
    expect(grpc).toEqual(['OTEL_EXPORTER_OTLP_PROTOCOL=grpc', `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${port}`]);
    const raw = new RawGrpcExporter(TRACE_SERVICE, `127.0.0.1:${port}`, false);
    try {
      expect(await raw.export(encodeTracesProto([]), 5000)).toMatchObject({ kind: 'grpc', code: status.OK });
    } finally {
      raw.close();
    }
    // Nothing to page through: no pager whose buttons could only be disabled.
    expect(await page.locator('.pager').count()).toBe(0);
    await page.close();
  });

  it('offers only the OTLP exporter for metrics: the demo and the SDK send traces', async () => {
    const page = await open('/metrics');
    await page.getByRole('heading', { name: 'No metrics in this range' }).waitFor();
    expect(await steps(page).count()).toBe(1);
    expect(await steps(page).innerText()).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=${new URL(bed.server.api).origin}`);
    expect(await steps(page).innerText()).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=http://${bed.server.grpc}`);
    await page.close();
  });

  it('says the API failed, and does not claim there is no data, when the list cannot be read', async () => {
    for (const [path, api, empty] of [
      ['/traces', '/api/traces', 'No traces yet'],
      ['/calls', '/api/llm-calls', 'No LLM calls yet'],
      ['/sessions', '/api/sessions', 'No sessions yet'],
      ['/users', '/api/metrics', 'No users yet'],
      ['/dashboard', '/api/metrics', 'No LLM calls in this range'],
    ] as const) {
      const page = await bed.browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.route(`**${api}?**`, (route) =>
        route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'the store failed' }) }),
      );
      await page.goto(bed.server.api + path);
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').innerText()).toContain('HTTP 500');
      expect(await page.getByRole('heading', { name: empty }).count()).toBe(0);
      // Nor cards that look as if they were still loading.
      expect(await page.locator('.kpi').count()).toBe(0);
      await page.close();
    }
  });

  it('tells how to send users on an empty users page, as on the other lists', async () => {
    const page = await open('/users');
    await page.getByRole('heading', { name: 'No users yet' }).waitFor();
    expect(await steps(page).count()).toBe(3);
    await page.close();
  });
});

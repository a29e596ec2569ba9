// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators; innerText is the text a person sees.
import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { browserBed } from './support/browser-bed.js';
import { exporterFor, sdkProvider } from './support/otel-clients.js';
import { getJson, startTestServer } from './support/test-server.js';

/* The dashboard over all time, on a server whose calls span more than a year. */

const DAY_MS = 86_400_000;

const bed = browserBed(async () => {
  const server = await startTestServer();
  // Two years ago, a year and a half ago, and today, through the official SDK.
  const provider = sdkProvider(exporterFor('proto', server), 'dashboard-test');
  const tracer = provider.getTracer('test');
  for (const [model, daysAgo] of [
    ['gpt-3.5-turbo', 730],
    ['gpt-3.5-turbo', 540],
    ['gpt-4o', 0],
  ] as const) {
    const start = Date.now() - daysAgo * DAY_MS;
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 30,
    };
    tracer.startSpan(`chat ${model}`, { kind: SpanKind.CLIENT, attributes, startTime: start }).end(start + 800);
  }
  await provider.forceFlush();
  await provider.shutdown();
  return server;
});

describe('the dashboard over all time', () => {
  it('charts every call, back to the oldest, not only the last year', async () => {
    expect((await getJson(bed.server.api, '/api/metrics')).body.total.calls).toBe(3);
    const page = await bed.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${bed.server.api}/dashboard?range=all`);
    const callsChart = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Calls by model' }) });
    await callsChart.locator('.uplot canvas').first().waitFor();
    // At rest, the legend gives each model's calls over the chart's whole range.
    const legend = callsChart.locator('.u-legend');
    const row = (model: string) => legend.locator('tr', { has: page.locator('.u-label', { hasText: model }) }).locator('.u-value');
    expect(await row('gpt-4o').innerText()).toBe('1');
    expect(await legend.locator('.u-label').allInnerTexts()).toContain('gpt-3.5-turbo');
    expect(await row('gpt-3.5-turbo').innerText()).toBe('2');
    // Its bars are days over more than a year: a hovered bar is named by its day and year.
    const time = legend.locator('.u-value').first();
    expect(await time.innerText()).toBe('whole range');
    const over = callsChart.locator('.u-over');
    const box = (await over.boundingBox()) as { x: number; y: number; width: number; height: number };
    await page.mouse.move(box.x + box.width * 0.05, box.y + box.height / 2);
    await expect.poll(() => time.innerText()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, 20\d\d$/);
    await page.close();
  });

  it('says the charts show the last year when the oldest call cannot be read', async () => {
    const page = await bed.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.route('**/api/llm-calls?**', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal","message":"boom"}}' }),
    );
    await page.goto(`${bed.server.api}/dashboard?range=all`);
    const callsChart = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Calls by model' }) });
    await callsChart.locator('.uplot canvas').first().waitFor();
    expect(await page.getByRole('note').innerText()).toBe(
      'The oldest call could not be read: the charts show the last year, the figures above all time.',
    );
    // The last year holds only today's call.
    expect(await callsChart.locator('.u-legend .u-label').allInnerTexts()).not.toContain('gpt-3.5-turbo');
    await page.close();
  });
});

// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators; innerText is the text a person sees.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { browserBed } from './support/browser-bed.js';
import { postTraces } from './support/fixtures.js';
import { getJson, startTestServer } from './support/test-server.js';

/* The dashboard over all time, on a server whose calls span more than a year. */

const DAY_MS = 86_400_000;

/** An OTLP/JSON body of one OTel GenAI chat call to `model`, made `daysAgo` days ago. */
function chatCall(model: string, daysAgo: number): string {
  const startNs = BigInt(Date.now() - daysAgo * DAY_MS) * 1_000_000n;
  const attr = (key: string, value: object) => ({ key, value });
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', { stringValue: 'dashboard-test' })] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: [
              {
                traceId: randomBytes(16).toString('hex'),
                spanId: randomBytes(8).toString('hex'),
                name: `chat ${model}`,
                kind: 3,
                startTimeUnixNano: String(startNs),
                endTimeUnixNano: String(startNs + 800_000_000n),
                attributes: [
                  attr('gen_ai.operation.name', { stringValue: 'chat' }),
                  attr('gen_ai.provider.name', { stringValue: 'openai' }),
                  attr('gen_ai.request.model', { stringValue: model }),
                  attr('gen_ai.usage.input_tokens', { intValue: '120' }),
                  attr('gen_ai.usage.output_tokens', { intValue: '30' }),
                ],
              },
            ],
          },
        ],
      },
    ],
  });
}

const bed = browserBed(async () => {
  const server = await startTestServer();
  // Two years ago, a year and a half ago, and today.
  for (const [model, daysAgo] of [
    ['gpt-3.5-turbo', 730],
    ['gpt-3.5-turbo', 540],
    ['gpt-4o', 0],
  ] as const) {
    const res = await postTraces(server.api, chatCall(model, daysAgo));
    expect(res.status).toBe(200);
  }
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
});

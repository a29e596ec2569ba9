import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../testing/chromium.js';
import { bigTraceBodies, hex } from './big-trace.js';
import { protobufTemplate, templateSpans } from './llm-spans.js';
import { httpLoad } from './load.js';
import { startServerProcess } from './server-process.js';
import { fmt, median } from './stats.js';

/**
 * `npm run bench:ui`: the web UI in real Chromium (Debian's, or SIGHTLINE_CHROMIUM) against the
 * built `sightline serve`, with --spans spans stored plus one trace of 10,000 and one of
 * 100,000 spans. Times from navigation to the content on screen, median of --runs fresh pages:
 * the traces page; a 10,000- and a 100,000-span trace's tree; scrolling to the last span
 * (End); the calls, sessions and dashboard pages.
 */
const { values: opts } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
  },
});
const SPANS = Number(opts.spans);
const RUNS = Number(opts.runs);

const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-ui-'));
const server = await startServerProcess(['--db', join(dir, 'ui.db')]);
let browser: Browser | null = null;
try {
  console.log(`Sightline UI benchmark — ${new Date().toISOString()}`);
  const t0 = performance.now();
  // The bench template spreads requests over four weeks; the newest land in the last day.
  const template = protobufTemplate(templateSpans(512));
  const requests = Math.ceil(SPANS / 512);
  await httpLoad(`${server.otlpHttp}/v1/traces`, 'application/x-protobuf', template, requests, 4);
  process.stderr.write(`  stored ${(requests * 512).toLocaleString()} spans; now one trace of 10,000 and one of 100,000…\n`);
  const big: Record<number, string> = {};
  for (const [i, count] of [10_000, 100_000].entries()) {
    const traceId = hex(0xb16 + i, 32);
    for (const body of bigTraceBodies(traceId, count, 3, 1_000_000_000 * (i + 1))) {
      const res = await fetch(`${server.otlpHttp}/v1/traces`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-protobuf' },
        body,
      });
      if (res.status !== 200) throw new Error(`storing the ${count}-span trace: HTTP ${res.status}`);
    }
    big[count] = traceId;
  }
  console.log(`  stored ${(requests * 512 + 110_000).toLocaleString()} spans in ${fmt((performance.now() - t0) / 1000, 0)} s\n`);

  browser = await launchChromium();
  const b = browser;
  /** Milliseconds from navigation until `selector` is on screen (or `count:N:css` matches N), in a fresh page each run. */
  const timeTo = async (path: string, selector: string, then?: (page: Page) => Promise<number>) => {
    const open: number[] = [];
    const after: number[] = [];
    for (let r = 0; r < RUNS + 1; r++) {
      const page = await b.newPage({ viewport: { width: 1440, height: 900 } });
      const start = performance.now();
      await page.goto(server.api + path);
      if (selector.startsWith('count:')) {
        const [, n = '1', css = selector] = /^count:(\d+):(.*)$/.exec(selector) ?? [];
        await page
          .locator(css)
          .nth(Number(n) - 1)
          .waitFor({ state: 'attached', timeout: 60_000 });
      } else await page.waitForSelector(selector, { state: 'visible', timeout: 60_000 });
      const ms = performance.now() - start;
      const more = then ? await then(page) : 0;
      await page.close();
      // The first run warms the server's caches and Chromium's: not counted.
      if (r === 0) continue;
      open.push(ms);
      after.push(more);
    }
    return { open: median(open), max: Math.max(...open), after: median(after) };
  };
  const report = (name: string, r: { open: number; max: number }, target: string) =>
    console.log(`  ${name.padEnd(48)} ${fmt(r.open, 0).padStart(6)} ms  (max ${fmt(r.max, 0)} ms)${target ? `   target ${target}` : ''}`);
  const toEnd = async (page: Page) => {
    await page.focus('.tree-scroll');
    const start = performance.now();
    await page.keyboard.press('End');
    // Evaluated in the page (a string: this file is not compiled for the DOM).
    await page.waitForFunction(
      "(() => { const el = document.querySelector('.tree-scroll'); return !!el && el.scrollTop + el.clientHeight >= el.scrollHeight - 30 && !!document.querySelector('.tree-row.selected'); })()",
    );
    return performance.now() - start;
  };

  console.log(`In Chromium, median of ${RUNS} runs (navigation → content on screen):`);
  report('traces page (newest 50)', await timeTo('/traces', 'table.data tbody tr[tabindex]'), '≤ 500 ms');
  const t10k = await timeTo(`/traces/${big[10_000]}`, '.tree-row', toEnd);
  report('a 10,000-span trace: its tree', t10k, '≤ 1 s');
  const t100k = await timeTo(`/traces/${big[100_000]}`, '.tree-row', toEnd);
  report('a 100,000-span trace: its tree', t100k, '≤ 3 s');
  console.log(`  ${'  then End → its last span on screen'.padEnd(48)} ${fmt(t100k.after, 0).padStart(6)} ms                 target ≤ 1 s`);
  report('LLM calls page', await timeTo('/calls', 'table.data tbody tr[tabindex]'), '');
  report('sessions page', await timeTo('/sessions?range=all', 'table.data tbody tr[tabindex]'), '');
  report('dashboard (all charts drawn)', await timeTo('/dashboard?range=30d', 'count:6:.uplot canvas'), '');
} finally {
  await browser?.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

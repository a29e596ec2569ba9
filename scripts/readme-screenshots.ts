import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from '../bench/server-process.js';
import { launchChromium } from '../testing/chromium.js';

/**
 * `npx tsx scripts/readme-screenshots.ts`: the README's screenshots (docs/screenshots/*.png),
 * taken in Chromium from the built `sightline serve` filled by `sightline demo --seed 7`.
 */
const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const BIN = fileURLToPath(new URL('../apps/cli/bin/sightline.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sightline-screenshots-'));
const server = await startServerProcess(['--db', join(dir, 'demo.db')]);
const browser = await launchChromium();
try {
  const demo = spawnSync(BIN, ['demo', '--traces', '400', '--since', '24h', '--seed', '7', '--url', server.api], { stdio: 'inherit' });
  if (demo.status !== 0) throw new Error('sightline demo failed');
  const api = async <T>(path: string) => (await (await fetch(server.api + path)).json()) as T;
  // The longest coding-agent run, with one of its Claude calls selected.
  type Page<T> = { data: T[] };
  const traces = await api<Page<{ trace_id: string }>>('/api/traces?service=code-agent&order_by=span_count&limit=1');
  const traceId = traces.data[0]?.trace_id;
  const calls = await api<Page<{ span_id: string }>>(`/api/llm-calls?trace_id=${traceId}&provider=anthropic&limit=1`);
  // A conversation of a few turns.
  const sessions = await api<Page<{ session_id: string; call_count: number }>>('/api/sessions?limit=50');
  const session = sessions.data.find((s) => s.call_count >= 4 && s.session_id.startsWith('conv_')) ?? sessions.data[0];
  const shots: [string, string, 'light' | 'dark'][] = [
    ['traces.png', '/traces?range=24h', 'light'],
    ['trace.png', `/traces/${traceId}?span=${calls.data[0]?.span_id}`, 'light'],
    ['dashboard.png', '/dashboard?range=24h', 'light'],
    ['sessions.png', '/sessions?range=24h', 'light'],
    ['session-dark.png', `/sessions/${session?.session_id}`, 'dark'],
    ['calls-dark.png', '/calls?range=24h', 'dark'],
  ];
  for (const [file, path, colorScheme] of shots) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme });
    await page.goto(server.api + path);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(OUT, file) });
    await page.close();
    console.log(`docs/screenshots/${file}  ${path}`);
  }
  // The sign-in page of a server that requires keys.
  const secured = await startServerProcess(['--db', join(dir, 'keys.db'), '--auth', 'on'], [], {
    SIGHTLINE_ADMIN_KEY: 'an-admin-key-for-the-screenshots',
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    await page.goto(`${secured.api}/traces`);
    await page.getByLabel('API key', { exact: true }).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, 'login.png') });
    await page.close();
    console.log('docs/screenshots/login.png  /traces (keys required)');
  } finally {
    await secured.stop();
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators; innerText is the text a person sees.
import { randomBytes } from 'node:crypto';
import { type Attributes, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../testing/chromium.js';
import { WebUi } from '../src/http/web-ui.js';
import { runSightline } from './support/child-server.js';
import { postTraces } from './support/fixtures.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

/*
 * The web UI as a person uses it: the built app in Debian's Chromium, against a real server
 * filled through OTLP by `sightline demo` and by spans of our own (encoded with the official
 * OpenTelemetry serializer) whose text the assertions know exactly.
 */

let sl: TestServer;
let browser: Browser;

// ---------- spans of our own ----------

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const MS = 1_000_000n;

interface SpanSpec {
  id?: string;
  parent?: string;
  name: string;
  kind?: SpanKind;
  /** Start and end, in ms after the trace's start. */
  at: number;
  ms: number;
  attributes?: Attributes;
  error?: boolean;
}

/** A trace as an OpenTelemetry SDK exports it: its spans, in the SDK's own span type. */
function traceOf(service: string, startNs: bigint, specs: SpanSpec[]): { traceId: string; ids: string[]; spans: ReadableSpan[] } {
  const traceId = hex(16);
  const resource = resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'e2e' });
  const hr = (ns: bigint): [number, number] => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
  const ids: string[] = [];
  const spans = specs.map((s) => {
    const spanId = s.id ?? hex(8);
    ids.push(spanId);
    const start = startNs + BigInt(Math.round(s.at * 1000)) * 1000n;
    const end = start + BigInt(Math.round(s.ms * 1000)) * 1000n;
    return {
      name: s.name,
      kind: s.kind ?? (s.parent ? SpanKind.INTERNAL : SpanKind.SERVER),
      spanContext: () => ({ traceId, spanId, traceFlags: TraceFlags.SAMPLED }),
      parentSpanContext: s.parent ? { traceId, spanId: s.parent, traceFlags: TraceFlags.SAMPLED } : undefined,
      startTime: hr(start),
      endTime: hr(end),
      duration: hr(end - start),
      status: { code: s.error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
      attributes: s.attributes ?? {},
      links: [],
      events: [],
      ended: true,
      resource,
      instrumentationScope: { name: '@example/agent', version: '1.0.0' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    } as ReadableSpan;
  });
  return { traceId, ids, spans };
}

/** POSTs spans to the OTLP/HTTP receiver as protobuf, as the SDK's exporter does. */
async function send(spans: ReadableSpan[]): Promise<void> {
  const body = ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
  const res = await postTraces(sl.otlpHttp, body);
  await res.arrayBuffer();
  expect(res.status).toBe(200);
}

/** An OpenTelemetry GenAI chat call with its messages as `gen_ai.input.messages` / `gen_ai.output.messages`. */
function chat(
  model: string,
  input: number,
  output: number,
  messages: { system?: string; user: string; assistant: string },
  extra: Attributes = {},
): Attributes {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
    'gen_ai.input.messages': JSON.stringify([
      ...(messages.system ? [{ role: 'system', parts: [{ type: 'text', content: messages.system }] }] : []),
      { role: 'user', parts: [{ type: 'text', content: messages.user }] },
    ]),
    'gen_ai.output.messages': JSON.stringify([
      { role: 'assistant', parts: [{ type: 'text', content: messages.assistant }], finish_reason: 'stop' },
    ]),
    ...extra,
  };
}

const SESSION = 'e2e-session-42';
const SESSION_NAME = 'Damaged paperback return';
const SYSTEM = 'You are the support assistant of Blue Parrot Books.';
const QUESTION = 'Can I return a damaged paperback?';
const ANSWER = 'Yes: damaged books can be returned within 30 days.';
const FOLLOW_UP = 'And a book with a torn cover?';
const FOLLOW_UP_ANSWER = 'A torn cover counts as damage, so yes.';
const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=2</script>';
const MARKDOWN_PROBE = `${IMG} **${SCRIPT}** and \`${IMG}\`\n\`\`\`html\n${SCRIPT}\n\`\`\``;

/** Ids of the traces and spans the tests look for. */
const ids = {
  refund: '',
  refundChat: '',
  lookup: '',
  lookupChild: '',
  followUp: '',
  followUpChat: '',
  xss: '',
  xssChat: '',
  big: '',
  bigLast: '',
  bigMiddle: '',
};

/** Sends, now, a trace of `service` with one model call under its root (what a live view should show at once). */
async function sendOneCall(
  service: string,
  rootName: string,
  model: string,
  input: number,
  output: number,
  messages: Parameters<typeof chat>[3],
): Promise<void> {
  const root = hex(8);
  const trace = traceOf(service, BigInt(Date.now() - 1500) * MS, [
    { id: root, name: rootName, at: 0, ms: 800 },
    { parent: root, name: `chat ${model}`, kind: SpanKind.CLIENT, at: 10, ms: 700, attributes: chat(model, input, output, messages) },
  ]);
  await send(trace.spans);
}
/** Two turns of a support conversation, an XSS probe and a 10,000-span batch run, sent a few seconds ago. */
async function sendOwnTraces(): Promise<void> {
  const now = BigInt(Date.now()) * MS;
  const root = hex(8);
  const lookup = hex(8);
  const refund = traceOf('checkout-assistant', now - 20_000n * MS, [
    { id: root, name: 'agent.run refund-request', at: 0, ms: 2400, attributes: { 'session.id': SESSION, 'user.id': 'ann' } },
    {
      parent: root,
      name: 'chat gpt-4o',
      kind: SpanKind.CLIENT,
      at: 10,
      ms: 900,
      attributes: chat(
        'gpt-4o',
        2400,
        600,
        { system: SYSTEM, user: QUESTION, assistant: ANSWER },
        // What the app says of the session, as @sightline/sdk's withSession({ name, labels }) records it.
        {
          'gen_ai.conversation.id': SESSION,
          'user.id': 'ann',
          'sightline.session.name': SESSION_NAME,
          'sightline.label.channel': 'e2e-chat',
        },
      ),
    },
    { id: lookup, parent: root, name: 'execute_tool lookup_order', at: 950, ms: 400, attributes: { 'gen_ai.tool.name': 'lookup_order' } },
    { parent: lookup, name: 'GET /orders/{id}', kind: SpanKind.CLIENT, at: 960, ms: 300, attributes: { 'http.request.method': 'GET' } },
    {
      parent: root,
      name: 'chat gpt-4o-mini',
      kind: SpanKind.CLIENT,
      at: 1400,
      ms: 800,
      attributes: chat('gpt-4o-mini', 800, 120, { user: 'Summarise the order for the log.', assistant: 'Order 1234: one paperback.' }),
    },
  ]);
  Object.assign(ids, { refund: refund.traceId, refundChat: refund.ids[1], lookup, lookupChild: refund.ids[3] });

  const root2 = hex(8);
  const followUp = traceOf('checkout-assistant', now - 10_000n * MS, [
    { id: root2, name: 'agent.run refund-followup', at: 0, ms: 1200, attributes: { 'session.id': SESSION, 'user.id': 'ann' } },
    {
      parent: root2,
      name: 'chat gpt-4o',
      kind: SpanKind.CLIENT,
      at: 5,
      ms: 1000,
      attributes: chat(
        'gpt-4o',
        2000,
        200,
        { system: SYSTEM, user: FOLLOW_UP, assistant: FOLLOW_UP_ANSWER },
        { 'gen_ai.conversation.id': SESSION, 'user.id': 'ann' },
      ),
    },
  ]);
  Object.assign(ids, { followUp: followUp.traceId, followUpChat: followUp.ids[1] });

  const root3 = hex(8);
  const xss = traceOf('xss-probe', now - 5_000n * MS, [
    { id: root3, name: `agent.run ${IMG}`, at: 0, ms: 500, attributes: { 'app.note': IMG } },
    {
      parent: root3,
      name: 'chat gpt-4o-mini',
      kind: SpanKind.CLIENT,
      at: 5,
      ms: 400,
      // The answer wraps markup in the markdown the app shows (bold, inline code, a fenced block).
      attributes: chat('gpt-4o-mini', 50, 10, { system: IMG, user: SCRIPT, assistant: MARKDOWN_PROBE }, { 'app.comment': SCRIPT }),
    },
  ]);
  Object.assign(ids, { xss: xss.traceId, xssChat: xss.ids[1] });

  // 10,000 spans: a root, 99 steps, 100 items under each.
  const bigRoot = hex(8);
  const specs: SpanSpec[] = [{ id: bigRoot, name: 'batch.run nightly-reindex', at: 0, ms: 12_000 }];
  for (let s = 0; s < 99; s++) {
    const step = hex(8);
    specs.push({ id: step, parent: bigRoot, name: `step-${s}`, at: 1 + s * 100, ms: 100 });
    // Two items failed, far apart: the trace's error badge goes from one to the next.
    for (let i = 0; i < 100; i++)
      specs.push({
        parent: step,
        name: `item-${s}-${i}`,
        at: 1 + s * 100 + i,
        ms: 0.5,
        error: (s === 20 && i === 5) || (s === 70 && i === 3),
      });
  }
  const big = traceOf('bulk-indexer', now - 60_000n * MS, specs);
  // item-50-50: after the root, 50 steps of 101 spans, step-50 and 50 items.
  Object.assign(ids, { big: big.traceId, bigLast: big.ids.at(-1), bigMiddle: big.ids[1 + 50 * 101 + 1 + 50] });

  await send([...refund.spans, ...followUp.spans, ...xss.spans]);
  for (let i = 0; i < big.spans.length; i += 2500) await send(big.spans.slice(i, i + 2500));
}

// ---------- the browser ----------

/** Console errors and uncaught exceptions of the pages a test opened. */
let errors: string[] = [];
/** Errors a test expects (a 404 it asked for); anything else fails it. */
let expectedErrors: RegExp[] = [];
let context: BrowserContext | null = null;
let current: Page | null = null;

async function open(path: string): Promise<Page> {
  context ??= await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught on ${page.url()}: ${e.message}`));
  current = page;
  const res = await page.goto(sl.api + path);
  // Every page runs under the strict CSP: a console free of errors shows it blocks none of the app.
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
  return page;
}

/** The path and query of the page's URL. */
const where = (page: Page) => {
  const u = new URL(page.url());
  return u.pathname + u.search;
};

/** Polls until the assertion holds, with room for a machine busy running other tests. */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

/** Rows of a list page's table (placeholders left out). */
const rows = (page: Page) => page.locator('table.data tbody tr:not(.placeholder)');

beforeAll(async () => {
  // The UI under test is the built one (`npm test` builds it first).
  if (!WebUi.installed().available) throw new Error('apps/web/dist is missing: run `npm run build` (npm test does) before these tests');
  browser = await launchChromium();
  sl = await startTestServer();
  const demo = runSightline(['demo', '--traces', '40', '--seed', '3', '--url', sl.api, '--json']);
  await sendOwnTraces();
  const { code } = await demo.exited;
  expect(code, demo.stderr()).toBe(0);
  // Stored once every span of the big trace is in its outline.
  const deadline = Date.now() + 20_000;
  while ((await getJson(sl.api, `/api/traces/${ids.big}/outline`)).body?.trace?.span_count !== 10_000) {
    if (Date.now() > deadline) throw new Error('the 10,000-span trace was not stored within 20 s');
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await browser?.close();
  await sl?.stop();
});

beforeEach(() => {
  errors = [];
  expectedErrors = [];
});

/** Where each test's last page is saved as a PNG, to look at (`SIGHTLINE_E2E_SHOTS=<dir>`); failures always go to /tmp. */
const SHOTS = process.env.SIGHTLINE_E2E_SHOTS;

afterEach(async (ctx) => {
  const failed = ctx.task.result?.state === 'fail';
  if (current && (failed || SHOTS)) {
    const path = `${failed ? '/tmp' : SHOTS}/sightline-e2e-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}.png`;
    await current.screenshot({ path, fullPage: true }).catch(() => {});
  }
  await context?.close();
  context = null;
  current = null;
  expect(errors.filter((e) => !expectedErrors.some((re) => re.test(e)))).toEqual([]);
});

// ---------- the tests ----------

describe('the web UI in Chromium', () => {
  it('lists traces; sorting by cost, a service filter and a search change the list and the URL', async () => {
    const page = await open('/traces');
    await page.getByRole('heading', { name: 'Traces' }).waitFor();
    await eventually(() => rows(page).count()).toBe(44);
    expect(await page.locator('.pager').innerText()).toContain('44 traces');
    // Newest first: the XSS probe was sent last.
    expect(await rows(page).first().innerText()).toContain('xss-probe');

    await page.getByRole('button', { name: /^Cost/ }).click();
    await page.waitForURL(/order_by=cost%3Adesc|order_by=cost:desc/);
    const top = (await getJson(sl.api, '/api/traces?order_by=cost:desc&limit=1')).body.data[0];
    await eventually(async () => (await rows(page).first().innerText()).includes(top.root_span_name)).toBe(true);
    const costs = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[6]?.getAttribute('title') ?? ''));
    const numbers = costs.map((c) => (c.startsWith('$') ? Number(c.slice(1)) : -1));
    expect(numbers.length).toBe(44);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(await page.getByRole('columnheader', { name: /Cost/ }).getAttribute('aria-sort')).toBe('descending');
    // The whole header cell sorts: a click near its left edge, away from the right-aligned word, turns the order, and back.
    const header = (await page.getByRole('columnheader', { name: /Cost/ }).boundingBox()) as { x: number; y: number; height: number };
    await page.mouse.click(header.x + 16, header.y + header.height / 2);
    await page.waitForURL(/order_by=cost%3Aasc|order_by=cost:asc/);
    await page.mouse.click(header.x + 16, header.y + header.height / 2);
    await page.waitForURL(/order_by=cost%3Adesc|order_by=cost:desc/);

    await page.getByRole('button', { name: '+ Filter' }).click();
    await page.getByLabel('Field').selectOption('service');
    await page.getByLabel('Value', { exact: true }).fill('checkout-assistant');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/service=checkout-assistant/);
    expect(where(page)).toContain('order_by=cost');
    await eventually(() => rows(page).count()).toBe(2);
    const names = await rows(page).locator('.title').allInnerTexts();
    expect(names.sort()).toEqual(['agent.run refund-followup', 'agent.run refund-request']);
    await page.getByText('Service: checkout-assistant').waitFor();

    // Free-text search (q=) finds a trace by a word of its prompt.
    await page.getByLabel('Search traces').fill('paperback');
    await page.waitForURL(/[?&]q=paperback/);
    await eventually(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().innerText()).toContain('agent.run refund-request');
    await page.getByRole('button', { name: 'Remove Service filter' }).click();
    await page.waitForURL((u) => !u.search.includes('service='));

    // A search that finds nothing says so, naming the search.
    await page.getByLabel('Search traces').fill('kangaroo');
    await page.waitForURL(/[?&]q=kangaroo/);
    await page.getByText('No traces match “kangaroo” in this range.').waitFor();
  });

  it('opens a trace: its tree, an LLM call’s conversation, tokens and cost, and the keyboard', async () => {
    const page = await open('/traces?service=checkout-assistant');
    await rows(page).filter({ hasText: 'agent.run refund-request' }).click();
    await page.waitForURL(`**/traces/${ids.refund}`);
    const tree = page.getByRole('tree', { name: 'Spans of the trace' });
    for (const name of ['agent.run refund-request', 'chat gpt-4o', 'execute_tool lookup_order', 'GET /orders/{id}', 'chat gpt-4o-mini'])
      await tree.getByText(name, { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'agent.run refund-request' }).waitFor();
    // The trace's user, like its session, is a link: to the user's traces.
    expect(await page.getByRole('link', { name: 'ann', exact: true }).getAttribute('href')).toBe('/traces?user_id=ann');

    await tree.getByText('chat gpt-4o', { exact: true }).click();
    await page.waitForURL(`**/traces/${ids.refund}?span=${ids.refundChat}`);
    const detail = page.getByRole('complementary', { name: 'Selected span' });
    expect(await detail.getByRole('tab', { name: 'Conversation' }).getAttribute('aria-selected')).toBe('true');
    await detail.locator('.message.system').getByText(SYSTEM).waitFor();
    await detail.locator('.message.user').getByText(QUESTION).waitFor();
    await detail.locator('.message.assistant').getByText(ANSWER).waitFor();

    await detail.getByRole('tab', { name: 'Call' }).click();
    // gpt-4o at $2.50 / $10 per million tokens: 2,400 in and 600 out cost $0.012.
    const stat = (label: string) =>
      detail
        .locator('.stat')
        .filter({ has: page.locator('.label', { hasText: label }) })
        .locator('.value');
    expect(await stat('Cost').innerText()).toBe('$0.012');
    expect(await stat('Input').innerText()).toBe('2,400');
    expect(await stat('Output').innerText()).toBe('600');
    await detail.getByText('built-in price table').waitFor();
    // No cached or reasoning tokens: nothing of theirs to price, so no part of the cost is called unpriced.
    expect(await detail.getByText('unpriced').count()).toBe(0);

    // Keys: ↓ moves to the tool span, ← folds it, → unfolds it, / goes to the find box.
    await tree.focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(`**?span=${ids.lookup}`);
    const child = tree.getByText('GET /orders/{id}', { exact: true });
    await page.keyboard.press('ArrowLeft');
    await child.waitFor({ state: 'detached' });
    expect(await tree.getByRole('treeitem', { name: /execute_tool lookup_order/ }).getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('ArrowRight');
    await child.waitFor();
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(`**?span=${ids.lookupChild}`);
    await page.keyboard.press('/');
    const find = page.getByLabel('Find spans in this trace');
    expect(await find.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.type('gpt-4o');
    await page.getByText('2 matching').waitFor();
    // Words of a message, not of any name: the server finds the span that holds them; Enter selects it.
    await find.fill('damaged paperb');
    // The last word is found while still being typed.
    await page.getByText('1 matching').waitFor();
    await find.press('Enter');
    await page.waitForURL(`**?span=${ids.refundChat}`);
    // The count says which match is selected.
    await page.getByText('1 of 1').waitFor();
    // The selected span's text marks the words found: the whole word and the one still being typed.
    await detail.locator('mark').first().waitFor();
    expect(new Set(await detail.locator('mark').allTextContents())).toEqual(new Set(['damaged', 'paperb']));

    // Selecting spans does not pile up history: Back leaves the trace for the list it came from.
    await page.goBack();
    await page.waitForURL('**/traces?service=checkout-assistant');
  });

  it('opens another tab of a span at its top, not at the last tab’s scroll', async () => {
    const page = await open(`/traces/${ids.refund}?span=${ids.refundChat}`);
    const detail = page.getByRole('complementary', { name: 'Selected span' });
    await detail.locator('.message.assistant').getByText(ANSWER).waitFor();
    const body = detail.locator('.detail-body');
    // A short window, so the conversation scrolls.
    await page.setViewportSize({ width: 1280, height: 420 });
    await body.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    expect(await body.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await detail.getByRole('tab', { name: 'Call' }).click();
    await detail.locator('.stat').first().waitFor();
    expect(await body.evaluate((el) => el.scrollTop)).toBe(0);
  });

  it('fits the lists in an 800 px window, leaving out lesser columns but never the one sorted by', async () => {
    const page = await open('/traces');
    await page.setViewportSize({ width: 800, height: 600 });
    const fits = async (path: string, kept: string[], left: string[]) => {
      await page.goto(sl.api + path);
      await eventually(() => rows(page).count()).toBeGreaterThan(0);
      const wrap = page.locator('.table-wrap');
      expect(await wrap.evaluate((el) => el.scrollWidth <= el.clientWidth), `${path}: no sideways scrolling`).toBe(true);
      // The headers on screen (a column left out has no box).
      const shown = await page
        .locator('thead th')
        .evaluateAll((ths) => ths.map((th) => [th.getClientRects().length, th.textContent ?? ''] as const));
      const headers = shown
        .filter(([boxes]) => boxes > 0)
        .map(([, text]) => text)
        .join('|');
      for (const name of kept) expect(headers, path).toContain(name);
      for (const name of left) expect(headers, path).not.toContain(name);
    };
    await fits('/traces', ['Cost', 'Errors', 'Tokens'], ['Spans']);
    await fits('/calls', ['Cost', 'Status', 'Tokens'], ['TTFT', 'Service']);
    await fits('/calls?order_by=ttft:desc', ['TTFT', 'Cost'], ['Service']);
    await fits('/sessions', ['Cost', 'Failed calls'], ['Users', 'Length']);
  });

  it('opens the filter popover inside a narrow window, without sliding the page sideways', async () => {
    const page = await open('/traces');
    await page.setViewportSize({ width: 800, height: 600 });
    await eventually(() => rows(page).count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: '+ Filter' }).click();
    const popover = page.locator('.popover');
    await popover.waitFor();
    const box = await popover.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 800).toBe(true);
    expect(await page.evaluate('window.scrollX')).toBe(0);
    // And it still works from there.
    await page.getByLabel('Field').selectOption('service');
    await page.getByLabel('Value', { exact: true }).fill('checkout-assistant');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/service=checkout-assistant/);
  });

  it('keeps every section and control of the header in sight in a phone-wide window, and each still opens its page', async () => {
    const page = await open('/traces');
    for (const width of [360, 420]) {
      await page.setViewportSize({ width, height: 800 });
      await eventually(() => rows(page).count()).toBeGreaterThan(0);
      const header = page.locator('header.topbar');
      // Nothing hidden behind a sideways scroll of the header or the page.
      expect(await header.evaluate((h) => h.scrollWidth <= h.clientWidth)).toBe(true);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      const controls = [
        ...(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link').all()),
        page.getByLabel('Theme'),
        header.getByRole('link', { name: 'API' }),
      ];
      expect(controls.length).toBe(8);
      for (const control of controls) {
        const box = await control.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= width, `${await control.innerText()} at ${width} px`).toBe(true);
      }
    }
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'OTel metrics' }).click();
    await page.waitForURL(/\/metrics/);
  });

  it('says a failed call that reported no tokens has no cost for that reason, not for want of a price', async () => {
    const failed = (await getJson(sl.api, '/api/llm-calls?status=error&limit=100')).body.data.find(
      (c: { cost_usd: number | null; price_model: string | null; input_tokens: number | null }) =>
        c.cost_usd === null && c.price_model !== null && c.input_tokens === null,
    );
    expect(failed, 'the demo sends failed calls that report no usage').toBeDefined();
    const page = await open(`/traces/${failed.trace_id}?span=${failed.span_id}`);
    const detail = page.getByRole('complementary', { name: 'Selected span' });
    // Its error message, however long, wraps inside the panel.
    const message = detail.locator('.status-message');
    await message.waitFor();
    const [panel, box] = [await detail.boundingBox(), await message.boundingBox()];
    expect(panel && box && box.x + box.width <= panel.x + panel.width).toBe(true);
    // Its row in the tree shows no placeholder figures for the tokens and cost it never reported.
    expect(await page.locator('.tree-row.selected .row-figures').innerText()).not.toContain('—');
    await detail.getByRole('tab', { name: 'Call' }).click();
    await detail.getByText('unknown (the call reported no token usage)').waitFor();
    expect(await detail.getByText('no price known for this model').count()).toBe(0);
  });

  it('keeps a call’s tokens and cost and the panel’s tabs on one line in a 1024 px window', async () => {
    const page = await open(`/traces/${ids.refund}?span=${ids.refundChat}`);
    await page.setViewportSize({ width: 1024, height: 700 });
    const detail = page.getByRole('complementary', { name: 'Selected span' });
    await detail.locator('.message.assistant').getByText(ANSWER).waitFor();
    // The selected call's row shows its cost beside its name (the service and name give way first).
    const row = page.locator('.tree-row.selected');
    const cost = row.locator('.row-figures').getByText('$0.012', { exact: true });
    const [rowBox, costBox] = [await row.boundingBox(), await cost.boundingBox()];
    expect(costBox && rowBox && costBox.y >= rowBox.y && costBox.y + costBox.height <= rowBox.y + rowBox.height).toBe(true);
    // Seven tabs in one row (scrolled sideways if need be), not wrapped onto a second.
    const tops = await detail.getByRole('tab').evaluateAll((tabs) => tabs.map((t) => t.getBoundingClientRect().top));
    expect(tops).toHaveLength(7);
    expect(new Set(tops).size).toBe(1);
    // A service beside a span's name shows whole or not at all: never cut to a letter or two.
    let gaveWay = 0;
    // Every width from 800 to 1100 px: a cut shows only in the narrow band where a service is squeezed.
    for (let width = 800; width <= 1100; width += 10) {
      await page.setViewportSize({ width, height: 700 });
      const services = await page.locator('.span-service').evaluateAll((outers) =>
        outers.map((o) => {
          const inner = o.firstElementChild ?? o;
          const [box, text] = [o.getBoundingClientRect(), inner.getBoundingClientRect()];
          return { shown: text.top < box.bottom && box.width > 0, whole: text.width <= box.width + 0.5, name: inner.textContent };
        }),
      );
      expect(services.length, `${width} px`).toBeGreaterThan(0);
      for (const s of services) expect(!s.shown || s.whole, `${width} px: ${s.name} is cut`).toBe(true);
      gaveWay += services.filter((s) => !s.shown).length;
    }
    // The narrowest window had too little room for some: they gave way whole.
    expect(gaveWay).toBeGreaterThan(0);
  });

  it('labels the timeline’s time axis inside its pane, labels apart, however narrow the window beside an open span', async () => {
    const page = await open(`/traces/${ids.refund}?span=${ids.refundChat}`);
    const detail = page.getByRole('complementary', { name: 'Selected span' });
    await detail.locator('.message.assistant').getByText(ANSWER).waitFor();
    const labels = page.locator('.ticks span');
    for (const width of [1440, 1024, 800]) {
      await page.setViewportSize({ width, height: 700 });
      await eventually(() => labels.count()).toBeGreaterThan(1);
      const panelLeft = (await detail.boundingBox())?.x ?? 0;
      const boxes = await labels.evaluateAll((spans) =>
        spans.map((s) => {
          const r = s.getBoundingClientRect();
          return { left: r.left, right: r.right };
        }),
      );
      const sorted = boxes.sort((a, b) => a.left - b.left);
      for (let i = 1; i < sorted.length; i++)
        expect(sorted[i]?.left, `${width} px: label ${i} overlaps the one before`).toBeGreaterThanOrEqual(sorted[i - 1]?.right ?? 0);
      // No label is drawn over the span panel, and the bars are in view beside the names.
      expect(Math.max(...sorted.map((b) => b.right)), `${width} px`).toBeLessThanOrEqual(panelLeft);
      const bar = await page.locator('.tree-row.selected .bar').boundingBox();
      expect(bar && bar.x + bar.width <= panelLeft, `${width} px: the selected row's bar is in view`).toBe(true);
    }
  });

  it('lists LLM calls; a call opens in its trace with its span selected', async () => {
    const page = await open('/calls');
    await page.getByRole('heading', { name: 'LLM calls' }).waitFor();
    await eventually(() => rows(page).count()).toBe(50);
    // Keyset paging has no total: the page says it is one page of more.
    expect(await page.locator('.pager').innerText()).toContain('50 calls on this page');
    await page.getByRole('button', { name: 'Next page →' }).click();
    await page.waitForURL(/cursor=/);
    await eventually(() => rows(page).count()).toBeGreaterThan(0);

    await page.goto(`${sl.api}/calls?service=checkout-assistant`);
    await eventually(() => rows(page).count()).toBe(3);
    // What the filtered calls add up to, over every page: the API's totals for the same filters.
    const totals = (await getJson(sl.api, '/api/metrics?start=24h&service=checkout-assistant')).body.total;
    expect(totals.calls).toBe(3);
    await eventually(() => page.getByTestId('call-totals').innerText()).toContain('3 calls');
    expect(await page.getByTestId('call-totals').innerText()).toContain(`${totals.total_tokens.toLocaleString('en-US')} tokens`);
    expect(await page.getByTestId('call-totals').innerText()).toContain(`${totals.errors} error`);
    // Totals know no free-text search: with one, the line is left out rather than wrong.
    await page.goto(`${sl.api}/calls?service=checkout-assistant&q=refund`);
    await eventually(() => rows(page).count()).toBeGreaterThan(0);
    expect(await page.getByTestId('call-totals').count()).toBe(0);
    await page.goto(`${sl.api}/calls?service=checkout-assistant`);
    await eventually(() => rows(page).count()).toBe(3);
    // Tokens sort by their total, most first.
    await page.getByRole('button', { name: /^Tokens\s/ }).click();
    await page.waitForURL(/order_by=total_tokens%3Adesc|order_by=total_tokens:desc/);
    const byTokens = (await getJson(sl.api, '/api/llm-calls?service=checkout-assistant&order_by=total_tokens:desc')).body.data;
    await eventually(async () => (await rows(page).locator('td:nth-child(4)').allInnerTexts()).join('|')).toBe(
      byTokens
        .map(
          (c: { input_tokens: number; output_tokens: number }) =>
            `${c.input_tokens.toLocaleString('en-US')} → ${c.output_tokens.toLocaleString('en-US')}`,
        )
        .join('|'),
    );
    expect(byTokens[0].total_tokens).toBeGreaterThan(byTokens[2].total_tokens);
    // Tokens/s sorts too, the fastest first.
    await page.getByRole('button', { name: /^Tokens\/s/ }).click();
    await page.waitForURL(/order_by=tokens_per_s%3Adesc|order_by=tokens_per_s:desc/);
    const byRate = (await getJson(sl.api, '/api/llm-calls?service=checkout-assistant&order_by=tokens_per_s:desc')).body.data;
    const linked = async () => {
      const hrefs = await rows(page)
        .locator('a.row-link')
        .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
      return hrefs.map((h) => h.split('span=')[1]).join('|');
    };
    await eventually(linked).toBe(byRate.map((c: { span_id: string }) => c.span_id).join('|'));
    const rates = byRate.map((c: { tokens_per_s: number | null }) => c.tokens_per_s ?? -1);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    const call = rows(page).filter({ hasText: '2,400' });
    expect(await call.innerText()).toContain('gpt-4o');
    expect(await call.locator('td').nth(7).innerText()).toBe('$0.012');
    await call.click();
    await page.waitForURL(`**/traces/${ids.refund}?span=${ids.refundChat}`);
    const detail = page.getByRole('complementary', { name: 'Selected span' });
    await detail.getByRole('heading', { name: 'chat gpt-4o' }).waitFor();
    await detail.locator('.message.user').getByText(QUESTION).waitFor();
    expect(await page.locator('.tree-row.selected').innerText()).toContain('chat gpt-4o');
  });

  it('opens rows as links: Ctrl+click in a new tab; the time range goes with you; users list what their calls came to', async () => {
    const page = await open('/calls?range=7d');
    const first = rows(page).first();
    await first.waitFor();
    // Ctrl+click: a new tab with the call's trace, this page unchanged.
    const [tab] = await Promise.all([(context as BrowserContext).waitForEvent('page'), first.click({ modifiers: ['Control'] })]);
    await tab.waitForURL(/\/traces\/[0-9a-f]{32}\?span=[0-9a-f]{16}/);
    expect(page.url()).toContain('/calls?range=7d');
    await tab.close();
    // The row's title is a real link, to copy or open.
    expect(await first.getByRole('link').first().getAttribute('href')).toMatch(/^\/traces\/[0-9a-f]{32}\?span=/);

    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Users' }).click();
    await page.waitForURL('**/users?range=7d');
    const users = page.getByRole('table', { name: 'Users' });
    const ann = users.getByRole('row').filter({ hasText: 'ann' });
    await ann.waitFor();
    const metrics = (await getJson(sl.api, '/api/metrics?group_by=user&start=7d')).body;
    const calls = metrics.data.find((r: { key: string }) => r.key === 'ann').calls;
    expect(await ann.locator('td').nth(1).innerText()).toBe(String(calls));
    await ann.click();
    await page.waitForURL('**/traces?user_id=ann&range=7d');

    // Keys on a list: j moves to the first row, ↓ to the next, Enter opens it; / goes to the search box.
    const focused = () =>
      page.evaluate(
        () => (globalThis as unknown as { document: { activeElement: { tagName: string } | null } }).document.activeElement?.tagName,
      );
    await rows(page).first().waitFor();
    await page.keyboard.press('j');
    expect(await focused()).toBe('TR');
    await page.keyboard.press('ArrowDown');
    const second = await rows(page).nth(1).getByRole('link').first().getAttribute('href');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**${second}`);
    await page.goBack();
    await rows(page).first().waitFor();
    await page.keyboard.press('/');
    expect(await page.getByLabel('Search traces').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  });

  it('lists sessions; a session opens as turns with their messages, each linked to its trace', async () => {
    const page = await open('/sessions');
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    await eventually(() => rows(page).count()).toBeGreaterThan(3);
    const session = rows(page).filter({ hasText: SESSION });
    expect(await session.innerText()).toContain('ann');
    // The name the app gave it, above its id; its label filters the list.
    expect(await session.locator('.session-name').innerText()).toBe(SESSION_NAME);
    await session.getByRole('button', { name: 'channel: e2e-chat' }).click();
    await page.waitForURL(/label=channel%3De2e-chat/);
    await eventually(() => rows(page).count()).toBe(1);
    await page.getByRole('button', { name: 'Remove label filter channel' }).click();
    await eventually(() => rows(page).count()).toBeGreaterThan(3);
    // Every figure column sorts: the sessions that used the most tokens first, as the API orders them.
    await page.getByRole('button', { name: /^Tokens/ }).click();
    await page.waitForURL(/order_by=total_tokens%3Adesc|order_by=total_tokens:desc/);
    const byTokens = (await getJson(sl.api, '/api/sessions?start=24h&order_by=total_tokens:desc&limit=3')).body.data;
    await eventually(async () => (await rows(page).first().locator('.mono').innerText()).trim()).toBe(byTokens[0].session_id);
    expect(byTokens[0].total_tokens).toBeGreaterThanOrEqual(byTokens[1].total_tokens);
    await rows(page).filter({ hasText: SESSION }).click();
    await page.waitForURL(`**/sessions/${SESSION}`);
    await page.getByRole('heading', { name: SESSION_NAME }).waitFor();
    // Three calls in time order: the question, the order summary the agent made, the follow-up.
    const turns = page.locator('.turn');
    await eventually(() => turns.count()).toBe(3);
    const [first, second, third] = [turns.nth(0), turns.nth(1), turns.nth(2)];
    await first.getByText('Turn 1').waitFor();
    await first.getByText(QUESTION).waitFor();
    await first.getByText(ANSWER).waitFor();
    await second.getByText('Order 1234: one paperback.').waitFor();
    await third.getByText(FOLLOW_UP).waitFor();
    await third.getByText(FOLLOW_UP_ANSWER).waitFor();
    // gpt-4o: 2,000 in and 200 out cost $0.007.
    expect(await third.innerText()).toContain('$0.0070');
    // A turn shows what is new in it: the system prompt is not repeated.
    expect(await turns.getByText(SYSTEM).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Open in trace →' }).count()).toBe(3);

    await third.getByRole('link', { name: 'Open in trace →' }).click();
    await page.waitForURL(`**/traces/${ids.followUp}?span=${ids.followUpChat}`);
    await page.getByRole('complementary', { name: 'Selected span' }).locator('.message.user').getByText(FOLLOW_UP).waitFor();
  });

  it('lists the OTLP metrics received; one opens as a chart and a table of groups, grouped by the keys typed', async () => {
    const now = BigInt(Date.now()) * MS;
    const point = (type: string, seconds: number, value: number) => ({
      attributes: [{ key: 'gen_ai.token.type', value: { stringValue: type } }],
      startTimeUnixNano: String(now - 600_000n * MS),
      timeUnixNano: String(now - BigInt(seconds) * 1000n * MS),
      asInt: String(value),
    });
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'e2e-metrics' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'e2e.tokens',
                  unit: '{token}',
                  description: 'Tokens the e2e app used',
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [point('input', 300, 100), point('input', 60, 400), point('output', 60, 50)],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await fetch(`${sl.otlpHttp}/v1/metrics`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const page = await open('/metrics');
    await page.getByRole('heading', { name: 'OTel metrics' }).waitFor();
    const row = page.getByRole('table', { name: 'Metrics' }).getByRole('row').filter({ hasText: 'e2e.tokens' });
    await row.click();
    await page.waitForURL(/name=e2e\.tokens/);
    await page.getByRole('heading', { name: 'e2e.tokens' }).waitFor();
    await page.getByText('Tokens the e2e app used').waitFor();
    // The increase of the counter over the range: 400 in, 50 out, all in one group until grouped.
    const groups = page.getByRole('table', { name: 'Groups' });
    await eventually(() => groups.getByRole('row').nth(1).innerText()).toMatch(/all\s+450 token/);
    await page.getByLabel('Group by attribute keys').fill('gen_ai.token.type');
    await page.getByLabel('Group by attribute keys').press('Enter');
    await page.waitForURL(/group_by=gen_ai\.token\.type/);
    await eventually(() => groups.getByRole('row').nth(1).innerText()).toMatch(/gen_ai\.token\.type=input\s+400 token/);
    expect(await groups.getByRole('row').nth(2).innerText()).toMatch(/gen_ai\.token\.type=output\s+50 token/);
    expect(await page.locator('.metric-detail canvas').count()).toBeGreaterThan(0);
  });

  it('shows the dashboard’s figures and charts; hovering a chart shows its values', async () => {
    const page = await open('/dashboard');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const kpi = (label: string) =>
      page
        .locator('.kpi')
        .filter({ has: page.locator('.label', { hasText: label }) })
        .locator('.value');
    const calls = (await getJson(sl.api, '/api/metrics')).body.total;
    await eventually(() => kpi('LLM calls').innerText()).toBe(calls.calls.toLocaleString('en-US'));
    expect(await kpi('Cost').innerText()).toMatch(/^\$\d/);
    expect(await kpi('Failed calls').innerText()).toMatch(/^\d+ \(\d+\.\d%\)$/);
    expect(await kpi('Latency p50 / p95').innerText()).toMatch(/\d.* \/ \d/);

    // Six uPlot charts, drawn on canvas.
    const charts = page.locator('.card .uplot');
    await eventually(() => charts.count()).toBe(6);
    expect(await page.locator('.card .uplot canvas').count()).toBe(6);
    for (const title of ['Cost by model', 'Calls by model', 'Tokens', 'Failed calls', 'Latency', 'Time to first token'])
      await page.getByRole('heading', { name: title, exact: true }).waitFor();

    const costChart = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Cost by model' }) });
    const values = costChart.locator('.u-legend .u-value');
    const priced = async () => (await values.allInnerTexts()).some((v) => /^<?\$\d/.test(v));
    // Not hovered, the legend gives each model's cost over the whole range.
    const legendTime = values.first();
    await eventually(() => legendTime.innerText()).toBe('whole range');
    expect(await priced()).toBe(true);
    const over = costChart.locator('.u-over');
    const box = (await over.boundingBox()) as { x: number; y: number; width: number; height: number };
    // Across the chart from the right: some hour (not necessarily the current one) had calls.
    let shown = false;
    for (let x = 0.99; x > 0 && !shown; x -= 0.03) {
      await page.mouse.move(box.x + box.width * x, box.y + box.height / 2);
      // The legend follows the cursor on the next frame.
      await page.evaluate(() => {
        const frame = (globalThis as unknown as { requestAnimationFrame: (f: () => void) => void }).requestAnimationFrame;
        return new Promise<void>((resolve) => frame(() => frame(resolve)));
      });
      shown = (await legendTime.innerText()) !== 'whole range' && (await priced());
    }
    expect(shown).toBe(true);

    // The latency chart's legend, at rest, gives the range's p50 and p95: the figures above it.
    const latency = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Latency', exact: true }) });
    const [time, p50, p95] = await latency.locator('.u-legend .u-value').allInnerTexts();
    expect(time).toBe('whole range');
    expect(`${p50} / ${p95}`).toBe(await kpi('Latency p50 / p95').innerText());

    await page.getByRole('link', { name: 'gpt-4o', exact: true }).first().waitFor();
  });

  it('says so when the cost chart cannot rank by cost and shows the busiest models instead', async () => {
    expectedErrors = [/status of 500/];
    const page = await open('/');
    await page.route(/\/api\/metrics\/series\?.*rank_by=cost/, (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal","message":"boom"}}' }),
    );
    await page.goto(`${sl.api}/dashboard`);
    const cost = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Cost by model' }) });
    await cost.getByRole('note').getByText('could not be read: these are the ones with the most calls').waitFor();
    // The chart is still drawn, from the calls ranking.
    await cost.locator('canvas').first().waitFor();
    // The other charts say nothing of it.
    expect(await page.locator('.chart-note').count()).toBe(1);
  });

  it('keeps the theme picked, over the system’s, across reloads', async () => {
    const page = await open('/traces');
    const theme = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } }).document.documentElement.dataset
            .theme,
      );
    const background = () =>
      page.evaluate(() => {
        const g = globalThis as unknown as { document: { body: unknown }; getComputedStyle: (e: unknown) => { backgroundColor: string } };
        return g.getComputedStyle(g.document.body).backgroundColor;
      });
    // The browser's system theme is light here.
    await page.getByLabel('Theme').waitFor();
    expect(await theme()).toBe('light');
    const light = await background();
    await page.getByLabel('Theme').selectOption('dark');
    expect(await theme()).toBe('dark');
    expect(await background()).not.toBe(light);
    await page.reload();
    await page.getByLabel('Theme').waitFor();
    expect(await theme()).toBe('dark');
    expect(await page.getByLabel('Theme').inputValue()).toBe('dark');
    await page.getByLabel('Theme').selectOption('system');
    expect(await theme()).toBe('light');
  });

  it('shows its own not-found page for a path it does not know', async () => {
    expectedErrors = [/status of 404/];
    const page = await open('/no/such/page');
    await page.getByRole('heading', { name: 'Nothing here' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('/no/such/page is not a page of Sightline');
    await page.getByRole('link', { name: 'Go to traces' }).click();
    await page.waitForURL('**/traces');
    await page.getByRole('heading', { name: 'Traces' }).waitFor();
  });

  it('live mode adds a trace sent after the page opened, without reloading', async () => {
    const page = await open('/traces?live=1');
    await page.locator('.badge.live').getByText('Live').waitFor();
    await eventually(() => rows(page).count()).toBeGreaterThan(10);
    await page.evaluate(() => {
      (globalThis as unknown as { __stayed: boolean }).__stayed = true;
    });
    await sendOneCall('live-probe', 'agent.run arrived-live', 'gpt-4o-mini', 150_000, 8, {
      user: 'Summarise this long document.',
      assistant: 'Done.',
    });
    const row = rows(page).filter({ hasText: 'agent.run arrived-live' });
    await row.waitFor({ timeout: 10_000 });
    expect(await rows(page).first().innerText()).toContain('agent.run arrived-live');
    expect(await row.getAttribute('class')).toContain('fresh');
    // Its figures as the list shows them (150,000 input tokens read "150k", not "15k").
    expect(await row.locator('td').nth(5).innerText()).toBe('150k → 8');
    expect(await page.evaluate(() => (globalThis as unknown as { __stayed?: boolean }).__stayed)).toBe(true);
  });

  it('live mode on the calls page adds a call sent after the page opened; not with a search', async () => {
    const page = await open('/calls?live=1');
    await page.locator('.badge.live').getByText('Live').waitFor();
    await eventually(() => rows(page).count()).toBeGreaterThan(10);
    await sendOneCall('live-call-probe', 'agent.run call-arrived-live', 'claude-haiku-4-5', 4_321, 9, {
      user: 'Is this live?',
      assistant: 'Yes.',
    });
    const row = rows(page).filter({ hasText: 'live-call-probe' });
    await row.waitFor({ timeout: 10_000 });
    expect(await rows(page).first().innerText()).toContain('live-call-probe');
    expect(await row.getAttribute('class')).toContain('fresh');
    expect(await row.innerText()).toContain('4,321 → 9');

    // Live follows the newest calls: a search turns it off, and says why.
    await page.getByLabel('Search calls').fill('paperback');
    await page.waitForURL(/[?&]q=paperback/);
    const button = page.getByRole('button', { name: 'Live' });
    expect(await button.isDisabled()).toBe(true);
    expect(await button.getAttribute('title')).toContain('not with a search');
  });

  it('shows markup in prompts and attributes as text and runs none of it', async () => {
    const page = await open('/traces?service=xss-probe');
    await rows(page).first().getByText(`agent.run ${IMG}`).waitFor();
    await rows(page).first().click();
    await page.waitForURL(`**/traces/${ids.xss}`);
    await page.getByRole('heading', { name: `agent.run ${IMG}` }).waitFor();

    await page.getByRole('tree').getByText('chat gpt-4o-mini').click();
    await page.waitForURL(`**?span=${ids.xssChat}`);
    const detail = page.getByRole('complementary', { name: 'Selected span' });
    const text = (role: string) => detail.locator(`.message.${role} pre`).innerText();
    await detail.locator('.message.system pre').waitFor();
    expect(await text('system')).toBe(IMG);
    expect(await text('user')).toBe(SCRIPT);
    // Markdown shows as bold, code and a code block — their contents still text.
    const answer = detail.locator('.message.assistant');
    expect(await answer.locator('strong').innerText()).toBe(SCRIPT);
    expect(await answer.locator('code').innerText()).toBe(IMG);
    expect(await answer.locator('pre.code-block').innerText()).toBe(SCRIPT);
    expect(await answer.locator('pre').first().innerText()).toBe(`${IMG} ${SCRIPT} and ${IMG}`);

    await detail.getByRole('tab', { name: /^Attributes/ }).click();
    const value = (key: string) =>
      detail.locator('.kv .k', { hasText: new RegExp(`^${key.replace(/\./g, '\\.')}$`) }).locator('xpath=following-sibling::div[1]');
    expect(await value('app.comment').innerText()).toBe(SCRIPT);
    // The messages attribute is JSON, shown parsed: its strings quoted, as JSON writes them.
    expect(await value('gen_ai.input.messages').innerText()).toContain('"<img src=x onerror=\\"window.__pwned=1\\">"');

    await page.getByRole('tree').getByText(`agent.run ${IMG}`).click();
    await detail.getByRole('tab', { name: /^Attributes/ }).click();
    expect(await value('app.note').innerText()).toBe(IMG);

    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
  });

  it('opens a trace of 10,000 spans, showing only the rows in view; End, the arrow keys and a link keep the selected span in view', async () => {
    const page = await open(`/traces/${ids.big}`);
    const tree = page.getByRole('tree', { name: 'Spans of the trace' });
    await tree.getByText('batch.run nightly-reindex').waitFor({ timeout: 15_000 });
    expect(await page.locator('.trace-head .stat', { hasText: 'Spans' }).locator('.value').innerText()).toBe('10k');
    const inPage = await tree.getByRole('treeitem').count();
    expect(inPage).toBeGreaterThan(10);
    expect(inPage).toBeLessThan(200);
    expect(await tree.getByText('item-98-99', { exact: true }).count()).toBe(0);

    await tree.getByText('batch.run nightly-reindex').click();
    await tree.focus();
    await page.keyboard.press('End');
    await page.waitForURL(`**?span=${ids.bigLast}`);
    const last = tree.getByText('item-98-99', { exact: true });
    await last.waitFor();
    expect(await last.isVisible()).toBe(true);
    expect(await tree.getByRole('treeitem').count()).toBeLessThan(200);
    await page.getByRole('complementary', { name: 'Selected span' }).getByRole('heading', { name: 'item-98-99' }).waitFor();
    // Where the selected row is in the tree's visible part: 0 at its top, 1 at its bottom (null: not shown whole).
    const placeInView = async () => {
      const row = await page.locator('.tree-row.selected').boundingBox();
      const box = await page.locator('.tree-scroll').boundingBox();
      if (!row || !box || row.y < box.y - 1 || row.y + row.height > box.y + box.height + 1) return null;
      return (row.y + row.height / 2 - box.y) / box.height;
    };
    expect(await placeInView()).not.toBeNull();

    // Stepping down past the bottom edge keeps the selected span in view.
    await page.keyboard.press('Home');
    for (let i = 0; i < 60; i++) await page.keyboard.press('ArrowDown');
    await page.getByRole('complementary', { name: 'Selected span' }).getByRole('heading', { name: 'item-0-58' }).waitFor();
    await eventually(async () => ((await placeInView()) ?? -1) > 0.8).toBe(true);
    for (let i = 0; i < 50; i++) await page.keyboard.press('ArrowUp');
    await page.getByRole('complementary', { name: 'Selected span' }).getByRole('heading', { name: 'item-0-8' }).waitFor();
    await eventually(async () => ((await placeInView()) ?? 2) < 0.2).toBe(true);

    // A link to a span deep in the trace opens with it in the middle of the view.
    await page.goto(`${sl.api}/traces/${ids.big}?span=${ids.bigMiddle}`);
    await page.getByRole('complementary', { name: 'Selected span' }).getByRole('heading', { name: 'item-50-50' }).waitFor();
    await eventually(async () => Math.abs(((await placeInView()) ?? 9) - 0.5) < 0.1).toBe(true);

    // The error badge selects the failed spans in turn, from the selected one on, each in view.
    await page.getByRole('button', { name: '2 errors' }).click();
    await page.getByRole('complementary', { name: 'Selected span' }).getByRole('heading', { name: 'item-70-3' }).waitFor();
    await eventually(async () => (await placeInView()) !== null).toBe(true);
    await page.getByRole('button', { name: '2 errors' }).click();
    await page.getByRole('complementary', { name: 'Selected span' }).getByRole('heading', { name: 'item-20-5' }).waitFor();
    await eventually(async () => (await placeInView()) !== null).toBe(true);
    expect(await page.locator('.tree-row.selected').getAttribute('class')).toContain('error');
  });
});

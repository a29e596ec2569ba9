// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators; innerText is the text a person sees.
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserBed } from './support/browser-bed.js';
import { postTraces } from './support/fixtures.js';
import { makeKey, startTestServer, type TestServer } from './support/test-server.js';

/* The web UI on a server that requires keys: logging in, what a project's key sees, an admin's project choice, logging out. */

const ADMIN_KEY = 'the-admin-key-of-this-browser-test';
let sl: TestServer;
const keys: Record<string, string> = {};
const services: Record<string, string> = {};

/** One root span of `service` in `project`, sent as OTLP/JSON with the project's key. */
async function sendTrace(project: string, service: string): Promise<void> {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: randomBytes(16).toString('hex'),
                spanId: randomBytes(8).toString('hex'),
                name: `handle ${service}`,
                kind: 2,
                startTimeUnixNano: now,
                endTimeUnixNano: now,
              },
            ],
          },
        ],
      },
    ],
  };
  const res = await postTraces(sl.api, JSON.stringify(body), { authorization: `Bearer ${keys[project]}` });
  expect(res.status).toBe(200);
}

const bed = browserBed(async () => {
  const server = await startTestServer({ auth: 'on', adminKey: ADMIN_KEY });
  sl = server;
  for (const project of ['shop', 'search']) {
    keys[project] = (await makeKey(server.api, ADMIN_KEY, project)).key;
    services[project] = `${project}-frontend`;
    await sendTrace(project, services[project] as string);
  }
  return server;
});

async function open(path: string): Promise<Page> {
  const context = await bed.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(sl.api + path);
  return page;
}

async function logIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the web UI behind keys', () => {
  it('asks for a key, says so when it is wrong, and shows only the key’s project once given', async () => {
    const page = await open('/traces?range=1h');
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in with an API key' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByLabel('API key', { exact: true }).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    await logIn(page, 'sl_000000000000_not-a-key-at-all-not-a-key-at-all-not-a-');
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('the API key is not valid');

    await logIn(page, keys.shop as string);
    await expect.poll(() => page.locator('main').innerText(), { timeout: 10_000 }).toContain(services.shop);
    expect(await page.locator('main').innerText()).not.toContain(services.search);
    expect(await page.locator('.project-name').innerText()).toBe('shop');
    // The session is an HttpOnly cookie: the page's scripts cannot read it.
    expect(await page.evaluate('document.cookie')).toBe('');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'sightline_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in with an API key' }).isVisible()).toBe(true);
    await page.context().close();
  });

  it('lets an admin choose the project to look at', async () => {
    const page = await open('/traces?range=1h');
    await logIn(page, ADMIN_KEY);
    await expect.poll(() => page.locator('.role-chip').textContent(), { timeout: 10_000 }).toBe('admin');
    await page.getByLabel('Project').selectOption('search');
    await expect.poll(() => page.locator('main').innerText(), { timeout: 10_000 }).toContain(services.search);
    expect(await page.locator('main').innerText()).not.toContain(services.shop);
    expect(await page.getByLabel('Project').inputValue()).toBe('search');
    await page.getByLabel('Project').selectOption('shop');
    await expect.poll(() => page.locator('main').innerText(), { timeout: 10_000 }).toContain(services.shop);
    expect(await page.locator('main').innerText()).not.toContain(services.search);
    await page.context().close();
  });
});

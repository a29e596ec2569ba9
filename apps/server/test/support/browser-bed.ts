import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium } from '../../../../testing/chromium.js';
import { WebUi } from '../../src/http/web-ui.js';
import type { TestServer } from './test-server.js';

/** What a file of browser tests runs against; set before its first test. */
export interface BrowserBed {
  readonly server: TestServer;
  readonly browser: Browser;
}

/**
 * For a file of browser tests: checks the web UI is built, starts a server with `start` (which
 * may also fill it) and Chromium before the file's tests, and stops both after them.
 */
export function browserBed(start: () => Promise<TestServer>): BrowserBed {
  const bed = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    expect(WebUi.installed().available, 'the web UI is built (npm run build)').toBe(true);
    bed.server = await start();
    bed.browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await bed.browser?.close();
    await bed.server?.stop();
  });
  return bed;
}

import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, unless `SIGHTLINE_CHROMIUM` names another binary. */
export const CHROMIUM_PATH = process.env.SIGHTLINE_CHROMIUM || '/usr/bin/chromium';

/** Flags measured to work headless on the CI machines (see ENVIRONMENT.md): no sandbox, GPU or background traffic. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts the real Chromium for a test file. A missing browser fails the tests, saying how to
 * get one: browser tests that skip themselves would pass on a machine that checks nothing.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: the web UI's browser tests need one. On Debian: apt-get update && apt-get install -y chromium (.ci/run does this when run as root), or set SIGHTLINE_CHROMIUM to a Chromium binary.`,
    );
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}

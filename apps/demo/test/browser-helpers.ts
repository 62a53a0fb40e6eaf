// Chromium for the demo's browser tests: Debian's headless Chromium (never a downloaded browser),
// driven by playwright-core; a tab on the page, and the chat input.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { defer } from './helpers.ts';

/** Debian's Chromium. */
export { CHROMIUM } from '@wskit/tooling/chromium';

import { CHROMIUM, chromiumArgs } from '@wskit/tooling/chromium';

const haveChromium = existsSync(CHROMIUM);
/** Skip the browser tests: no Chromium here, and not in CI (where its absence fails them). */
export const skip = !haveChromium && !process.env.CI;
if (skip) {
  console.warn(
    `browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium, as .ci/system-deps.sh does in CI)`,
  );
}

/** Launches Debian's headless Chromium, closed after the test. */
export async function launch(): Promise<Browser> {
  if (!haveChromium) {
    throw new Error(`${CHROMIUM} is missing: CI installs Debian's chromium through .ci/system-deps.sh`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: chromiumArgs(),
  });
  defer(() => browser.close());
  return browser;
}

/** Opens the page in a new tab and waits until it joined the room; page errors fail the test. */
export async function openTab(
  browser: Browser,
  server: { readonly url: string },
  errors: string[],
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(server.url);
  await page.waitForFunction(() => window.wskitDemo?.connected === true);
  return page;
}

export async function say(page: Page, text: string): Promise<void> {
  await page.fill('#message-input', text);
  await page.press('#message-input', 'Enter');
}

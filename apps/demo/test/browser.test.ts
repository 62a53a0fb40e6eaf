// The demo end to end in a real browser: Debian's headless Chromium, driven by playwright-core,
// with two tabs on the page served by the demo server, using the browser's own WebSocket.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launch, openTab, say, skip } from './browser-helpers.ts';
import { startServer } from './helpers.ts';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const SCREENSHOT = `${ARTIFACTS}demo.png`;

/** Bytes whose every position is distinct enough that a shifted or dropped chunk shows. */
function patternedBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index++) bytes[index] = (index * 7919 + (index >>> 16)) & 0xff;
  return bytes;
}

declare global {
  interface Window {
    wskitDemo?: {
      readonly connected: boolean;
      readonly extensions: string;
      readonly you: { id: number; name: string } | null;
      readonly lastUpload: {
        fileName: string;
        size: number;
        identical: boolean;
        firstDifference: number;
      } | null;
      upload(
        bytes: Uint8Array,
        fileName?: string,
      ): Promise<{ identical: boolean; size: number; received: Uint8Array }>;
    };
  }
}

describe.skipIf(skip)('the demo in Chromium', () => {
  it('two tabs chat, a file is echoed back byte for byte, the figures are live, and a screenshot is kept', async () => {
    const server = await startServer();
    const browser = await launch();
    const errors: string[] = [];
    const tabA = await openTab(browser, server, errors);
    const tabB = await openTab(browser, server, errors);

    // Names: A renames itself through the name field; B sees the rename.
    await tabA.fill('#name-input', 'Ada');
    await tabA.press('#name-input', 'Enter');
    await tabB.locator('.notice', { hasText: 'is now Ada' }).waitFor();
    await tabA.locator('#status', { hasText: 'Connected as Ada' }).waitFor();
    const nameB = await tabB.evaluate(() => window.wskitDemo!.you!.name);
    // Chromium offers permessage-deflate; the demo server accepts it, so every message is compressed.
    expect(await tabA.evaluate(() => window.wskitDemo!.extensions)).toMatch(/^permessage-deflate/);

    // Chat both ways: each message reaches the other tab, and its sender's own list.
    await say(tabA, 'Hello from tab A');
    await tabB.locator('.message .bubble', { hasText: 'Hello from tab A' }).waitFor();
    await expect(
      tabB.locator('.message', { hasText: 'Hello from tab A' }).getAttribute('data-from'),
    ).resolves.toBe('Ada');
    await tabA.locator('.message.mine .bubble', { hasText: 'Hello from tab A' }).waitFor();
    await say(tabB, 'Hi Ada, tab B here. Send me some bytes?');
    await tabA.locator('.message .bubble', { hasText: 'tab B here' }).waitFor();
    expect(await tabA.locator('.message').count()).toBe(2);

    // A file through the page's own file input: 700 000 bytes, 11 binary messages each way.
    const file = patternedBytes(700_000);
    await tabA.setInputFiles('#file-input', {
      name: 'patterned.bin',
      mimeType: 'application/octet-stream',
      buffer: file,
    });
    await tabA.locator('#upload-result[data-state="verified"]').waitFor();
    expect(await tabA.evaluate(() => window.wskitDemo!.lastUpload)).toMatchObject({
      fileName: 'patterned.bin',
      size: file.length,
      identical: true,
      firstDifference: -1,
    });
    await tabB.locator('.notice', { hasText: 'Ada sent patterned.bin (684 KiB) through the echo' }).waitFor();

    // Random bytes made in the page, echoed, and compared in the page with what it sent.
    const checked = await tabB.evaluate(async () => {
      const sent = new Uint8Array(200_000);
      for (let offset = 0; offset < sent.length; offset += 65_536) {
        crypto.getRandomValues(sent.subarray(offset, offset + 65_536));
      }
      const { received, ...result } = await window.wskitDemo!.upload(sent, 'random.bin');
      let differences = 0;
      for (let index = 0; index < sent.length; index++) if (sent[index] !== received[index]) differences++;
      return { result, length: received.length, differences };
    });
    expect(checked).toEqual({
      result: expect.objectContaining({ identical: true, size: 200_000 }),
      length: 200_000,
      differences: 0,
    });

    // The figures: both tabs count two connections, and the bytes moved.
    for (const tab of [tabA, tabB]) {
      await tab.locator('#stat-connections', { hasText: /^2$/ }).waitFor();
    }
    await tabA.locator('#stat-bytes-in', { hasText: /KiB|MiB/ }).waitFor();
    await tabB.locator('.members li', { hasText: 'Ada' }).waitFor();
    await tabB.locator('.members li.is-you', { hasText: nameB }).waitFor();

    mkdirSync(ARTIFACTS, { recursive: true });
    await tabA.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(errors).toEqual([]);

    // Stopping the server: the tabs hear 1001 Going Away and say they will reconnect.
    await server.close();
    for (const tab of [tabA, tabB]) {
      await tab.locator('#status[data-state="closed"]', { hasText: '1001 server shutting down' }).waitFor();
      await tab.locator('.notice', { hasText: 'Disconnected: 1001, the server went away' }).waitFor();
    }
  });
});

// Interop with Chromium's own WebSocket, permessage-deflate on: Debian's headless Chromium
// (/usr/bin/chromium, never a downloaded browser), driven by playwright-core. A page served by a
// node:http server on loopback opens `new WebSocket(url)` to our WebSocketServer attached to it;
// text and binary messages up to 1 MiB go to our server and back, each checked byte for byte on
// both sides. Skipped with a message when Chromium is missing, except under CI (`CI` set), where
// .ci/system-deps.sh installs it and the test must run.
import { existsSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { type PerMessageDeflateOption, WebSocketServer } from '@wskit/node';
import { CHROMIUM, chromiumArgs } from '@wskit/tooling/chromium';
import { type Browser, chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { defer, listen } from './helpers.js';
import { MiB, patternBytes, patternText } from './interop-helpers.js';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) {
  console.warn(
    `interop-chromium: skipped, ${CHROMIUM} is missing (apt-get install -y chromium, as .ci/system-deps.sh does in CI)`,
  );
}

/** Every payload length class of RFC 6455 §5.2 and its edges, the deflate threshold's, and 1 MiB. */
const SIZES = [0, 1, 125, 126, 127, 1023, 1024, 65535, 65536, 65537, MiB];
/** Payload bytes each side sends: text and binary of every size, compressible. */
const EXCHANGED = SIZES.reduce((sum, size) => sum + 2 * size, 0);
/** One incompressible message at the end (random bytes), echoed but not predictable by the server. */
const RANDOM_SIZE = 64 * 1024;

/** The paths our servers take, their compression option, and the extensions Chromium should see. */
const ENDPOINTS: { path: string; option: PerMessageDeflateOption; agreed: string }[] = [
  { path: '/default', option: true, agreed: 'permessage-deflate' },
  {
    path: '/tuned',
    option: { serverNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 10 },
    agreed:
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=10',
  },
  { path: '/off', option: false, agreed: '' },
];

/** What the page reports after its exchange. */
interface PageReport {
  extensions: string;
  failures: string[];
  checks: number;
  close: { code: number; reason: string; wasClean: boolean };
}

/**
 * Runs in the page: opens the WebSocket, sends text and binary of every size (the same patterns as
 * interop-helpers.ts) and a random message, checks every echo byte for byte, then closes.
 */
async function pageExchange(input: {
  url: string;
  sizes: number[];
  randomSize: number;
}): Promise<PageReport> {
  const patternBytes = (size: number, seed: number) => {
    const bytes = new Uint8Array(size);
    for (let index = 0; index < size; index++) bytes[index] = (index * 31 + seed) & 0xff;
    return bytes;
  };
  const patternText = (size: number) => 'wskit é€😀 '.repeat(Math.floor(size / 16)) + 'x'.repeat(size % 16);
  const sameBytes = (actual: unknown, expected: Uint8Array) => {
    if (!(actual instanceof ArrayBuffer) || actual.byteLength !== expected.length) return false;
    const bytes = new Uint8Array(actual);
    for (let index = 0; index < expected.length; index++) if (bytes[index] !== expected[index]) return false;
    return true;
  };
  const ws = new WebSocket(input.url);
  ws.binaryType = 'arraybuffer';
  const inbox: unknown[] = [];
  const waiters: ((data: unknown) => void)[] = [];
  ws.onmessage = (event) => {
    const waiter = waiters.shift();
    if (waiter) waiter(event.data);
    else inbox.push(event.data);
  };
  const closed = new Promise<PageReport['close']>((resolve) => {
    ws.onclose = (event) => resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean });
  });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`could not connect to ${input.url}`));
  });
  const next = () =>
    inbox.length > 0
      ? Promise.resolve(inbox.shift())
      : new Promise<unknown>((resolve) => waiters.push(resolve));
  const failures: string[] = [];
  let checks = 0;
  for (const size of input.sizes) {
    const text = patternText(size);
    const bytes = patternBytes(size, size);
    ws.send(text);
    ws.send(bytes);
    if ((await next()) !== text) failures.push(`text of ${size} bytes`);
    if (!sameBytes(await next(), bytes)) failures.push(`binary of ${size} bytes`);
    checks += 2;
  }
  const random = new Uint8Array(input.randomSize);
  crypto.getRandomValues(random);
  ws.send(random);
  if (!sameBytes(await next(), random)) failures.push('random binary');
  checks++;
  const extensions = ws.extensions;
  ws.close(1000, 'page done');
  return { extensions, failures, checks, close: await closed };
}

/** What one endpoint's server saw. */
interface ServerRecord {
  /** The TCP sockets of its connections. */
  sockets: Socket[];
  /** Messages that were not what the page should have sent. */
  failures: string[];
  messages: number;
  /** Each connection's negotiated extensions. */
  extensions: string[];
  /** Each connection's close event: `code reason wasClean`. */
  closes: string[];
}

/** A node:http server on loopback serving an empty page, with one WebSocketServer per endpoint. */
async function startServers() {
  const http = createHttpServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><meta charset="utf-8"><title>wskit interop</title>');
  });
  const seen = new Map<string, ServerRecord>();
  for (const endpoint of ENDPOINTS) {
    const record: ServerRecord = { sockets: [], failures: [], messages: 0, extensions: [], closes: [] };
    seen.set(endpoint.path, record);
    const server = new WebSocketServer({
      server: http,
      path: endpoint.path,
      perMessageDeflate: endpoint.option,
    });
    defer(() => server.close());
    server.on('connection', (ws, request) => {
      record.sockets.push(request.socket);
      record.extensions.push(ws.extensions);
      ws.on('close', (code, reason, wasClean) => record.closes.push(`${code} ${reason} ${wasClean}`));
      ws.on('message', (data) => {
        // The page sends text then binary of each size, then one random message.
        const index = record.messages++;
        const size = SIZES[index >> 1];
        if (size !== undefined) {
          const ok =
            index % 2 === 0
              ? data === patternText(size)
              : data instanceof Uint8Array &&
                Buffer.compare(Buffer.from(data), patternBytes(size, size)) === 0;
          if (!ok) record.failures.push(`${index % 2 === 0 ? 'text' : 'binary'} of ${size} bytes`);
        }
        void ws.send(data);
      });
    });
  }
  const port = await listen(http);
  return { origin: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}`, seen };
}

async function launch(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: chromiumArgs(),
  });
  defer(() => browser.close());
  return browser;
}

/** Splits a `Sec-WebSocket-Extensions` value into its parameters, sorted. */
function parameters(header: string): string[] {
  return header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .sort();
}

describe.skipIf(!haveChromium && !process.env.CI)('interop with Chromium, permessage-deflate on', () => {
  it('round-trips text and binary up to 1 MiB with Chromium compressing and inflating', async () => {
    expect(haveChromium, `${CHROMIUM} is missing: CI installs Debian's chromium`).toBe(true);
    const servers = await startServers();
    const browser = await launch();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${servers.origin}/`);
    for (const endpoint of ENDPOINTS) {
      const report = await page.evaluate(pageExchange, {
        url: `${servers.ws}${endpoint.path}`,
        sizes: SIZES,
        randomSize: RANDOM_SIZE,
      });
      const seen = servers.seen.get(endpoint.path)!;
      expect(report.failures, `page checks on ${endpoint.path}`).toEqual([]);
      expect(report.checks).toBe(2 * SIZES.length + 1);
      expect(seen.failures, `server checks on ${endpoint.path}`).toEqual([]);
      expect(seen.messages).toBe(2 * SIZES.length + 1);
      expect(parameters(report.extensions)).toEqual(parameters(endpoint.agreed));
      expect(seen.extensions.map(parameters)).toEqual([parameters(endpoint.agreed)]);
      // Our close reply echoes the code, not the reason (RFC 6455 §5.5.1).
      expect(report.close).toEqual({ code: 1000, reason: '', wasClean: true });
      await expect.poll(() => seen.closes).toEqual(['1000 page done true']);
      const [socket] = seen.sockets;
      if (endpoint.option === false) {
        expect(socket!.bytesRead).toBeGreaterThan(EXCHANGED);
      } else {
        // Chromium compressed what it sent and inflated what we sent (the random message, 64 KiB,
        // stays about its size).
        expect(socket!.bytesRead, `from Chromium on ${endpoint.path}`).toBeLessThan(
          EXCHANGED / 8 + RANDOM_SIZE,
        );
        expect(socket!.bytesWritten, `from our server on ${endpoint.path}`).toBeLessThan(
          EXCHANGED / 8 + RANDOM_SIZE,
        );
      }
    }
    expect(errors).toEqual([]);
  });
});

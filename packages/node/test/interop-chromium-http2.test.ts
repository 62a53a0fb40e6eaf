// Interop with Chromium's own WebSocket over HTTP/2 (RFC 8441): Debian's headless Chromium
// (/usr/bin/chromium, never a downloaded browser), driven by playwright-core, loads a page over
// HTTPS from an `http2.createSecureServer` (the fixture's self-signed certificate, trusted with
// --ignore-certificate-errors) and opens `new WebSocket('wss://…')` to the same origin. Chromium
// then carries it on its HTTP/2 connection as an extended CONNECT stream: the server asserts that it
// came that way (an `Http2ServerRequest` on a session whose ALPN is h2, `:protocol` websocket), and
// text and binary messages go back and forth byte for byte. Skipped with a message when Chromium is
// missing, except under CI (`CI` set), where .ci/system-deps.sh installs it and the test must run.
import { existsSync } from 'node:fs';
import { createSecureServer, Http2ServerRequest, type Http2Session } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocketServerRequest } from '@wskit/node';
import { CHROMIUM, chromiumArgs } from '@wskit/tooling/chromium';
import { type Browser, chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { certificate, defer, privateKey } from './helpers.js';
import { MiB, patternBytes, patternText } from './interop-helpers.js';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) {
  console.warn(
    `interop-chromium-http2: skipped, ${CHROMIUM} is missing (apt-get install -y chromium, as .ci/system-deps.sh does in CI)`,
  );
}

const SIZES = [0, 125, 126, 65535, 65536, MiB];

/** What the page reports. */
interface PageReport {
  protocol: string;
  extensions: string;
  failures: string[];
  close: { code: number; wasClean: boolean };
}

/** Runs in the page: a WebSocket to `url`, text and binary of each size echoed, then a close. */
async function pageExchange(input: { url: string; sizes: number[] }): Promise<PageReport> {
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
  const ws = new WebSocket(input.url, ['chat']);
  ws.binaryType = 'arraybuffer';
  const inbox: unknown[] = [];
  const waiters: ((data: unknown) => void)[] = [];
  ws.onmessage = (event) => {
    const waiter = waiters.shift();
    if (waiter) waiter(event.data);
    else inbox.push(event.data);
  };
  const closed = new Promise<PageReport['close']>((resolve) => {
    ws.onclose = (event) => resolve({ code: event.code, wasClean: event.wasClean });
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
  for (const size of input.sizes) {
    const text = patternText(size);
    const bytes = patternBytes(size, size);
    ws.send(text);
    ws.send(bytes);
    if ((await next()) !== text) failures.push(`text of ${size} bytes`);
    if (!sameBytes(await next(), bytes)) failures.push(`binary of ${size} bytes`);
  }
  const { protocol, extensions } = ws;
  ws.close(1000, 'page done');
  return { protocol, extensions, failures, close: await closed };
}

async function launch(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // The fixture's certificate is self-signed.
    args: chromiumArgs('--ignore-certificate-errors'),
  });
  defer(() => browser.close());
  return browser;
}

describe.skipIf(!haveChromium && !process.env.CI)('interop with Chromium over HTTP/2 (RFC 8441)', () => {
  it("carries Chromium's WebSocket as an extended CONNECT stream, text and binary up to 1 MiB", async () => {
    expect(haveChromium, `${CHROMIUM} is missing: CI installs Debian's chromium`).toBe(true);
    const server = createSecureServer(
      { key: privateKey, cert: certificate, allowHTTP1: true },
      (request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(
          `<!doctype html><meta charset="utf-8"><title>wskit h2 interop, HTTP/${request.httpVersion}</title>`,
        );
      },
    );
    const sessions = new Set<Http2Session>();
    const sockets = new Set<Socket>();
    server.on('session', (session) => sessions.add(session));
    server.on('connection', (socket: Socket) => sockets.add(socket));
    const wss = new WebSocketServer({ server, protocols: ['chat'], perMessageDeflate: true });
    const requests: WebSocketServerRequest[] = [];
    /** The ALPN protocol of the connection each WebSocket arrived on (its stream's session). */
    const alpn: unknown[] = [];
    const closes: string[] = [];
    const serverFailures: string[] = [];
    wss.on('connection', (ws, request) => {
      requests.push(request);
      alpn.push(request instanceof Http2ServerRequest ? request.stream.session?.alpnProtocol : 'http/1.1');
      let index = 0;
      ws.on('message', (data) => {
        const size = SIZES[index >> 1]!;
        const ok =
          index % 2 === 0
            ? data === patternText(size)
            : data instanceof Uint8Array && Buffer.compare(Buffer.from(data), patternBytes(size, size)) === 0;
        if (!ok) serverFailures.push(`${index % 2 === 0 ? 'text' : 'binary'} of ${size} bytes`);
        index++;
        void ws.send(data);
      });
      ws.on('close', (code, reason, wasClean) => closes.push(`${code} ${reason} ${wasClean}`));
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    defer(
      () =>
        new Promise<void>((resolve) => {
          for (const session of sessions) session.destroy();
          for (const socket of sockets) socket.destroy();
          void wss.close();
          server.close(() => resolve());
        }),
    );
    const { port } = server.address() as AddressInfo;
    const browser = await launch();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`https://localhost:${port}/`);
    // The page itself came over HTTP/2.
    expect(await page.title()).toBe('wskit h2 interop, HTTP/2.0');
    const report = await page.evaluate(pageExchange, { url: `wss://localhost:${port}/chat`, sizes: SIZES });
    expect(report.failures).toEqual([]);
    expect(serverFailures).toEqual([]);
    expect([report.protocol, report.extensions]).toEqual(['chat', 'permessage-deflate']);
    expect(report.close).toEqual({ code: 1000, wasClean: true });
    await expect.poll(() => closes).toEqual(['1000 page done true']);
    // The server side saw an RFC 8441 extended CONNECT stream on an h2 session, not an upgrade.
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request).toBeInstanceOf(Http2ServerRequest);
    const h2 = request as Http2ServerRequest;
    expect([h2.method, h2.headers[':protocol'], h2.headers[':scheme'], h2.httpVersion]).toEqual([
      'CONNECT',
      'websocket',
      'https',
      '2.0',
    ]);
    expect(alpn).toEqual(['h2']);
    expect(errors).toEqual([]);
  });
});

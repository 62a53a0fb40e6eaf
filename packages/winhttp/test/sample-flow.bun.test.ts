/// <reference types="bun" />
/**
 * Bun: Microsoft's sample flow over `@wskit/bun`'s dialer against Bun's own WebSocket server, and
 * through the Promise layer. Run by `bun test` (the package's test script); the `.bun.test.ts`
 * suffix keeps it out of vitest.
 *
 * `@wskit/bun` is loaded from the workspace's built package (`packages/bun/dist`) while it is not a
 * dependency of this package yet; the suite is skipped, with a message, where it is not there.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import type { Dialer } from '@wskit/transport';
import {
  connectWinHttpWebSocket,
  WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  WinHttpGetLastError,
  WinHttpOpen,
} from '@wskit/winhttp';
import { expectedCompletions, helloWorld, runSample } from './sample-flow.js';

const bunPackage = new URL('../../bun/dist/index.js', import.meta.url);
const available = existsSync(bunPackage);
if (!available)
  console.warn(`Bun tests skipped: ${bunPackage.pathname} is not built (or @wskit/bun not there yet)`);
const bunDialer: Dialer = available
  ? ((await import(bunPackage.href)) as { bunDialer: Dialer }).bunDialer
  : () => Promise.reject(new Error('no @wskit/bun'));

/** Bun's WebSocket echo server (`Bun.serve`). */
function echoServer() {
  return Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(request, server) {
      if (server.upgrade(request)) return undefined;
      return new Response('WebSocket only', { status: 426 });
    },
    websocket: {
      message(socket, message) {
        socket.send(message);
      },
    },
  });
}

describe.skipIf(!available)("Microsoft's WinHTTP WebSocket sample on Bun", () => {
  let plain: ReturnType<typeof echoServer>;
  beforeAll(() => {
    plain = echoServer();
  });
  afterAll(() => {
    plain.stop(true);
  });

  test('runs over bunDialer: the echo in 10-byte pieces, close status 1000', async () => {
    const transcript = await runSample({ host: '127.0.0.1', port: plain.port!, dialer: bunDialer });
    expect(transcript.received).toBe('Hello world');
    expect(transcript.completions).toEqual(expectedCompletions);
    expect(transcript.closeStatus).toBe(1000);
  });

  test('runs through the Promise layer', async () => {
    const socket = await connectWinHttpWebSocket(`ws://127.0.0.1:${plain.port}/`, { dialer: bunDialer });
    try {
      await socket.send(WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, helloWorld());
      const buffer = new Uint8Array(64);
      let offset = 0;
      for (;;) {
        const { bytesTransferred, bufferType } = await socket.receive(buffer.subarray(offset), 10);
        offset += bytesTransferred;
        if (bufferType !== WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE) break;
      }
      expect([...buffer.subarray(0, offset)]).toEqual([...helloWorld()]);
      await socket.close(1000);
      expect(socket.queryCloseStatus()?.status).toBe(1000);
    } finally {
      socket.closeHandle();
    }
  });
});

test('loads on Bun, where there is no default dialer: WinHttpOpen without one fails with ERROR_NOT_SUPPORTED', () => {
  expect(WinHttpOpen(null, 0, null, null, 0x10000000)).toBeNull();
  expect(WinHttpGetLastError()).toBe(50);
});

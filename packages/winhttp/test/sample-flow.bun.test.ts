/// <reference types="bun" />
/**
 * Bun: Microsoft's sample flow over `@wskit/bun`'s dialer against Bun's own WebSocket server, over
 * TCP and TLS (`WINHTTP_FLAG_SECURE`), and through the Promise layer. Run by `bun test` (the
 * package's test script); the `.bun.test.ts` suffix keeps it out of vitest. `@wskit/bun` is a
 * devDependency, imported by name (its built `dist/`, which turbo builds first).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { bunDialer } from '@wskit/bun';
import {
  connectWinHttpWebSocket,
  WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  WinHttpGetLastError,
  WinHttpOpen,
} from '@wskit/winhttp';
import { expectedCompletions, helloWorld, runSample } from './sample-flow.js';

/** The self-signed certificate (CN localhost, SAN localhost, 127.0.0.1, ::1) and its key. */
const certificate = await Bun.file(new URL('./fixtures/cert.pem', import.meta.url)).text();
const privateKey = await Bun.file(new URL('./fixtures/key.pem', import.meta.url)).text();

/** Bun's WebSocket echo server (`Bun.serve`), over TLS with `tls`. */
function echoServer(tls?: { key: string; cert: string }) {
  return Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    ...(tls === undefined ? {} : { tls }),
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

describe("Microsoft's WinHTTP WebSocket sample on Bun", () => {
  let plain: ReturnType<typeof echoServer>;
  let secure: ReturnType<typeof echoServer>;
  beforeAll(() => {
    plain = echoServer();
    secure = echoServer({ key: privateKey, cert: certificate });
  });
  afterAll(() => {
    plain.stop(true);
    secure.stop(true);
  });

  test('runs over bunDialer: the echo in 10-byte pieces, close status 1000', async () => {
    const transcript = await runSample({ host: '127.0.0.1', port: plain.port!, dialer: bunDialer });
    expect(transcript.received).toBe('Hello world');
    expect(transcript.completions).toEqual(expectedCompletions);
    expect(transcript.closeStatus).toBe(1000);
  });

  test('runs over bunDialer with WINHTTP_FLAG_SECURE (TLS, the test CA trusted)', async () => {
    const transcript = await runSample({
      host: '127.0.0.1',
      port: secure.port!,
      secure: true,
      dialer: bunDialer,
      tls: { ca: certificate },
    });
    expect(transcript.received).toBe('Hello world');
    expect(transcript.completions).toEqual(expectedCompletions);
    expect(transcript.closeStatus).toBe(1000);
  }, 10_000);

  test('fails over TLS with an untrusted certificate instead of hanging', async () => {
    const failure = await runSample({
      host: '127.0.0.1',
      port: secure.port!,
      secure: true,
      dialer: bunDialer,
    }).then(
      () => 'connected',
      (error: Error) => error.message,
    );
    expect(failure).toContain('"dwError":12175'); // ERROR_WINHTTP_SECURE_FAILURE
  }, 10_000);

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

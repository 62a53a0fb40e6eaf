/**
 * Keep-alive and limits: checklist rows H19 and H23 (WinHTTP WebSocket fact sheet §3b). The
 * keep-alive runs on fake timers (its minimum is 15 s); the sockets stay real.
 */
import {
  ERROR_INVALID_PARAMETER,
  NO_ERROR,
  WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH,
  WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE,
  WinHttpCloseHandle,
  WinHttpGetLastError,
  WinHttpQueryOption,
  WinHttpSetOption,
  WinHttpWebSocketClose,
  WinHttpWebSocketCompleteUpgrade,
  WinHttpWebSocketSend,
  WinHttpWebSocketShutdown,
} from '@wskit/winhttp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  bytes,
  type EngineClient,
  openRequest,
  sendAndReceive,
  startEngineServer,
  upgrade,
} from './helpers.js';

/** Lets real I/O run (fake timers leave `setImmediate` alone). */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function pongs(client: EngineClient): number {
  return client.events.filter((event) => event.type === 'pong').length;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('keep-alive and limits', () => {
  it('H19 WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL (116): default 30000, at least 15000, a pong after that much idle time', async () => {
    expect(WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL).toBe(116);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { port, clients } = await startEngineServer(() => {});
    const { session, request, recorder } = openRequest(port);
    const value = { value: 0 as unknown };
    expect(WinHttpQueryOption(session, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, value)).toBe(true);
    expect(value.value).toBe(30000);
    expect(WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, 14999)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(
      WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, Uint8Array.of(0x98, 0x3a)),
    ).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, 20000)).toBe(true);
    await sendAndReceive(request, recorder);
    const webSocket = WinHttpWebSocketCompleteUpgrade(request, 0)!;
    try {
      expect(WinHttpQueryOption(webSocket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, value)).toBe(true);
      expect(value.value).toBe(20000);
      await settle();
      const client = clients[0]!;
      // Idle: nothing before the interval, an unsolicited pong at it.
      vi.advanceTimersByTime(19999);
      await settle();
      expect(pongs(client)).toBe(0);
      vi.advanceTimersByTime(1);
      await settle();
      expect(pongs(client)).toBe(1);
      // Changed on the WebSocket handle: timed from the last activity again.
      expect(WinHttpSetOption(webSocket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, 15000)).toBe(true);
      vi.advanceTimersByTime(15000);
      await settle();
      expect(pongs(client)).toBe(2);
      // Traffic postpones it: a message 10 s in, then nothing until 15 s after the message.
      vi.advanceTimersByTime(10000);
      expect(
        WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, bytes('x'), 1),
      ).toBe(NO_ERROR);
      await settle();
      vi.advanceTimersByTime(14999);
      await settle();
      expect(pongs(client)).toBe(2);
      vi.advanceTimersByTime(1);
      await settle();
      expect(pongs(client)).toBe(3);
      // None after Shutdown.
      expect(WinHttpWebSocketShutdown(webSocket, 1000, null, 0)).toBe(NO_ERROR);
      vi.advanceTimersByTime(60000);
      await settle();
      expect(pongs(client)).toBe(3);
    } finally {
      WinHttpCloseHandle(webSocket);
    }
  });

  it('H23 WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH is 123 and WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE 15000', async () => {
    expect(WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH).toBe(123);
    expect(WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE).toBe(15000);
    const { port, clients } = await startEngineServer(() => {});
    const { webSocket } = await upgrade(port);
    expect(WinHttpSetOption(webSocket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, 15000)).toBe(true);
    expect(WinHttpSetOption(webSocket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, 14999)).toBe(false);
    const reason = bytes('r'.repeat(124));
    expect(WinHttpWebSocketClose(webSocket, 1000, reason, 124)).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpWebSocketClose(webSocket, 1000, reason, 123)).toBe(NO_ERROR);
    const close = await clients[0]!.waitFor('close');
    expect(close.data).toMatchObject({ code: 1000, reason: 'r'.repeat(123) });
  });
});

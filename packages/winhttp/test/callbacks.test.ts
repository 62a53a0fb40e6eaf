/**
 * Callbacks, error codes and concurrency: checklist rows H17, H24 and H25 (WinHTTP WebSocket fact
 * sheet §3b).
 */
import {
  ERROR_INSUFFICIENT_BUFFER,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_OPERATION,
  ERROR_INVALID_PARAMETER,
  ERROR_IO_PENDING,
  ERROR_NOT_ENOUGH_MEMORY,
  ERROR_SUCCESS,
  ERROR_WINHTTP_CANNOT_CONNECT,
  ERROR_WINHTTP_CONNECTION_ERROR,
  ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
  ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
  ERROR_WINHTTP_INTERNAL_ERROR,
  ERROR_WINHTTP_INVALID_OPTION,
  ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
  ERROR_WINHTTP_OPERATION_CANCELLED,
  ERROR_WINHTTP_OPTION_NOT_SETTABLE,
  ERROR_WINHTTP_SECURE_FAILURE,
  ERROR_WINHTTP_TIMEOUT,
  type HINTERNET,
  NO_ERROR,
  WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS,
  WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS,
  WINHTTP_CALLBACK_FLAG_HANDLES,
  WINHTTP_CALLBACK_FLAG_WRITE_COMPLETE,
  WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
  WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING,
  WINHTTP_CALLBACK_STATUS_HANDLE_CREATED,
  WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
  WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_SECURE_FAILURE,
  WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
  WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE,
  WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
  WINHTTP_INVALID_STATUS_CALLBACK,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  WinHttpCloseHandle,
  WinHttpConnect,
  WinHttpGetLastError,
  WinHttpSetStatusCallback,
  WinHttpWebSocketClose,
  WinHttpWebSocketCompleteUpgrade,
  WinHttpWebSocketQueryCloseStatus,
  WinHttpWebSocketReceive,
  WinHttpWebSocketSend,
  WinHttpWebSocketShutdown,
} from '@wskit/winhttp';
import { describe, expect, it } from 'vitest';
import { bytes, delay, gatedDialer, Recorder, startEngineServer, startWsServer, upgrade } from './helpers.js';

describe('callbacks, errors and concurrency', () => {
  it('H17 WINHTTP_CALLBACK_STATUS_* and the masks have the exact bit values of winhttp.h', () => {
    expect([
      WINHTTP_CALLBACK_STATUS_HANDLE_CREATED,
      WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING,
      WINHTTP_CALLBACK_STATUS_SECURE_FAILURE,
      WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
      WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
      WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
      WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
      WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
      WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
      WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE,
    ]).toEqual([
      0x400, 0x800, 0x10000, 0x20000, 0x80000, 0x100000, 0x200000, 0x400000, 0x02000000, 0x04000000,
    ]);
    expect(WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS).toBe(0x097e0000);
    expect(WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS & WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE).toBe(0);
    expect(WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS & WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE).toBe(0);
    expect(WINHTTP_CALLBACK_FLAG_HANDLES).toBe(0xc00);
    expect(WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS).toBe(0xffffffff);
  });

  it('H17 the mask selects statuses; CLOSE_COMPLETE and SHUTDOWN_COMPLETE come under ALL_COMPLETIONS too', async () => {
    const { port } = await startWsServer();
    const { webSocket, recorder } = await upgrade(port);
    const completions = new Recorder();
    const previous = WinHttpSetStatusCallback(
      webSocket,
      completions.callback,
      WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS,
      0,
    );
    expect(previous).toBe(recorder.callback);
    const writesOnly = new Recorder();
    const other = await upgrade(port);
    WinHttpSetStatusCallback(other.webSocket, writesOnly.callback, WINHTTP_CALLBACK_FLAG_WRITE_COMPLETE, 0);
    const handlesOnly = new Recorder();
    const third = await upgrade(port);
    WinHttpSetStatusCallback(third.webSocket, handlesOnly.callback, WINHTTP_CALLBACK_FLAG_HANDLES, 0);
    for (const handle of [webSocket, other.webSocket, third.webSocket]) {
      expect(WinHttpWebSocketSend(handle, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, bytes('x'), 1)).toBe(
        NO_ERROR,
      );
      expect(WinHttpWebSocketShutdown(handle, 1000, null, 0)).toBe(NO_ERROR);
      expect(WinHttpWebSocketClose(handle, 1000, null, 0)).toBe(NO_ERROR);
    }
    await completions.next(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE);
    await delay(50);
    expect(completions.statuses()).toEqual([
      WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
      WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE,
      WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
    ]);
    // Registered for one completion: the two completions missing from the mask come as well (see README).
    expect(writesOnly.statuses()).toEqual([
      WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
      WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE,
      WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
    ]);
    // Registered for no completion: none.
    expect(handlesOnly.statuses()).toEqual([]);
    WinHttpCloseHandle(third.webSocket);
    expect(handlesOnly.statuses()).toEqual([WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING]);
    // Removing the callback: nothing more is reported, not even HANDLE_CLOSING.
    expect(WinHttpSetStatusCallback(webSocket, null, 0, 0)).toBe(completions.callback);
    WinHttpCloseHandle(webSocket);
    expect(completions.statuses()).toHaveLength(3);
    // An invalid handle: WINHTTP_INVALID_STATUS_CALLBACK.
    expect(WinHttpSetStatusCallback(webSocket, completions.callback, 0, 0)).toBe(
      WINHTTP_INVALID_STATUS_CALLBACK,
    );
    expect(WinHttpGetLastError()).toBe(ERROR_INVALID_HANDLE);
  });

  it('H17 callbacks may run inside the call (WRITE_COMPLETE, HANDLE_CREATED) but never nest: a chain of sends stays flat', async () => {
    const { port } = await startEngineServer(() => {});
    const { webSocket, recorder } = await upgrade(port);
    let depth = 0;
    let deepest = 0;
    let sent = 0;
    const total = 5000;
    const message = bytes('m');
    recorder.onNotification = (notification) => {
      depth++;
      deepest = Math.max(deepest, depth);
      if (notification.status === WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE && ++sent < total) {
        expect(
          WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, 1),
        ).toBe(NO_ERROR);
      }
      depth--;
    };
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, 1)).toBe(
      NO_ERROR,
    );
    // Every completion of the chain came before the first call returned, one after the other.
    expect(sent).toBe(total);
    expect(deepest).toBe(1);
  });

  it('H24 the WebSocket functions return the exact DWORD error codes and never throw', async () => {
    expect({
      NO_ERROR,
      ERROR_SUCCESS,
      ERROR_INVALID_HANDLE,
      ERROR_NOT_ENOUGH_MEMORY,
      ERROR_INVALID_PARAMETER,
      ERROR_INSUFFICIENT_BUFFER,
      ERROR_IO_PENDING,
      ERROR_INVALID_OPERATION,
      ERROR_WINHTTP_TIMEOUT,
      ERROR_WINHTTP_INTERNAL_ERROR,
      ERROR_WINHTTP_INVALID_OPTION,
      ERROR_WINHTTP_OPTION_NOT_SETTABLE,
      ERROR_WINHTTP_OPERATION_CANCELLED,
      ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
      ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
      ERROR_WINHTTP_CANNOT_CONNECT,
      ERROR_WINHTTP_CONNECTION_ERROR,
      ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
      ERROR_WINHTTP_SECURE_FAILURE,
    }).toEqual({
      NO_ERROR: 0,
      ERROR_SUCCESS: 0,
      ERROR_INVALID_HANDLE: 6,
      ERROR_NOT_ENOUGH_MEMORY: 8,
      ERROR_INVALID_PARAMETER: 87,
      ERROR_INSUFFICIENT_BUFFER: 122,
      ERROR_IO_PENDING: 997,
      ERROR_INVALID_OPERATION: 4317,
      ERROR_WINHTTP_TIMEOUT: 12002,
      ERROR_WINHTTP_INTERNAL_ERROR: 12004,
      ERROR_WINHTTP_INVALID_OPTION: 12009,
      ERROR_WINHTTP_OPTION_NOT_SETTABLE: 12011,
      ERROR_WINHTTP_OPERATION_CANCELLED: 12017,
      ERROR_WINHTTP_INCORRECT_HANDLE_TYPE: 12018,
      ERROR_WINHTTP_INCORRECT_HANDLE_STATE: 12019,
      ERROR_WINHTTP_CANNOT_CONNECT: 12029,
      ERROR_WINHTTP_CONNECTION_ERROR: 12030,
      ERROR_WINHTTP_INVALID_SERVER_RESPONSE: 12152,
      ERROR_WINHTTP_SECURE_FAILURE: 12175,
    });
    const garbage = [
      undefined,
      null,
      0,
      'handle',
      {},
      Object.freeze(Object.create(null)),
    ] as unknown as HINTERNET[];
    for (const handle of garbage) {
      expect(WinHttpWebSocketSend(handle, 0, null, 0)).toBe(ERROR_INVALID_HANDLE);
      expect(WinHttpWebSocketReceive(handle, new Uint8Array(1), 1)).toBe(ERROR_INVALID_HANDLE);
      expect(WinHttpWebSocketShutdown(handle, 1000)).toBe(ERROR_INVALID_HANDLE);
      expect(WinHttpWebSocketClose(handle, 1000)).toBe(ERROR_INVALID_HANDLE);
      expect(WinHttpWebSocketQueryCloseStatus(handle, { value: 0 }, null, 0, { value: 0 })).toBe(
        ERROR_INVALID_HANDLE,
      );
      // BOOL and HINTERNET functions: FALSE or NULL, and the last error.
      expect(WinHttpCloseHandle(handle)).toBe(false);
      expect(WinHttpGetLastError()).toBe(ERROR_INVALID_HANDLE);
      expect(WinHttpConnect(handle, 'localhost', 80, 0)).toBeNull();
      expect(WinHttpGetLastError()).toBe(ERROR_INVALID_HANDLE);
      expect(WinHttpWebSocketCompleteUpgrade(handle, 0)).toBeNull();
      expect(WinHttpGetLastError()).toBe(ERROR_INVALID_HANDLE);
    }
    const { port } = await startWsServer();
    const { webSocket } = await upgrade(port);
    const wrong = [
      () => WinHttpWebSocketSend(webSocket, 'binary' as unknown as 0, null, 0),
      () => WinHttpWebSocketSend(webSocket, 0, 'text' as unknown as Uint8Array, 4),
      () => WinHttpWebSocketSend(webSocket, 0, new Uint8Array(4), -1),
      () => WinHttpWebSocketSend(webSocket, 0, new Uint8Array(4), 1.5),
      () => WinHttpWebSocketReceive(webSocket, [1, 2] as unknown as Uint8Array, 2),
      () => WinHttpWebSocketClose(webSocket, Number.NaN),
      () => WinHttpWebSocketClose(webSocket, 1000, 'reason' as unknown as Uint8Array, 6),
      () =>
        WinHttpWebSocketQueryCloseStatus(webSocket, null as unknown as { value: number }, null, 0, {
          value: 0,
        }),
    ];
    for (const call of wrong) expect(call()).toBe(ERROR_INVALID_PARAMETER);
  });

  it('H25 send and receive sides are independent, one pending operation each; Close waits for no send', async () => {
    const { port, clients } = await startEngineServer(() => {});
    const { dialer, gate } = gatedDialer();
    const { webSocket, recorder } = await upgrade(port, '/', { dialer });
    const client = clients[0]!;
    // A receive is pending while sends go out and complete.
    const buffer = new Uint8Array(16);
    expect(WinHttpWebSocketReceive(webSocket, buffer, 16)).toBe(NO_ERROR);
    expect(
      WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, bytes('one'), 3),
    ).toBe(NO_ERROR);
    await recorder.next(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, webSocket);
    // The send side is busy (the transport pushes back): a second send, Shutdown and Close are refused.
    gate.blocked = true;
    expect(
      WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, bytes('two'), 3),
    ).toBe(NO_ERROR);
    expect(
      WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, bytes('six'), 3),
    ).toBe(ERROR_INVALID_OPERATION);
    expect(WinHttpWebSocketShutdown(webSocket, 1000, null, 0)).toBe(ERROR_INVALID_OPERATION);
    expect(WinHttpWebSocketClose(webSocket, 1000, null, 0)).toBe(ERROR_INVALID_OPERATION);
    // ... while the receive side still works.
    expect(WinHttpWebSocketReceive(webSocket, buffer, 16)).toBe(ERROR_INVALID_OPERATION);
    client.engine.sendBinary(bytes('reply'));
    client.flush();
    const read = await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, webSocket);
    expect(read.information).toEqual({
      dwBytesTransferred: 5,
      eBufferType: WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
    });
    gate.release();
    await recorder.next(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, webSocket);
    expect(WinHttpWebSocketReceive(webSocket, buffer, 16)).toBe(NO_ERROR);
    expect(WinHttpWebSocketClose(webSocket, 1000, null, 0)).toBe(NO_ERROR);
    expect(await recorder.next(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, webSocket)).toMatchObject({
      information: { AsyncResult: { dwError: ERROR_WINHTTP_OPERATION_CANCELLED } },
    });
    await recorder.next(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, webSocket);
    // The handle closes with HANDLE_CLOSING as its last notification.
    WinHttpCloseHandle(webSocket);
    expect(recorder.notifications.at(-1)).toMatchObject({
      handle: webSocket,
      status: WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING,
    });
    expect(recorder.statuses(webSocket)).toContain(WINHTTP_CALLBACK_STATUS_HANDLE_CREATED);
    void WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE;
  });
});

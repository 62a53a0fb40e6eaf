/**
 * Closing: checklist rows H7–H10, H12, H13, H15 and H18 (WinHTTP WebSocket fact sheet §3b).
 */

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer as WskitServer } from '@wskit/node';
import {
  ERROR_INSUFFICIENT_BUFFER,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_OPERATION,
  ERROR_INVALID_PARAMETER,
  ERROR_WINHTTP_CONNECTION_ERROR,
  ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
  ERROR_WINHTTP_OPERATION_CANCELLED,
  ERROR_WINHTTP_TIMEOUT,
  NO_ERROR,
  WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
  WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING,
  WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE,
  WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
  WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT,
  type WINHTTP_WEB_SOCKET_ASYNC_RESULT,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_CLOSE_OPERATION,
  WINHTTP_WEB_SOCKET_CLOSE_STATUS,
  WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS,
  WINHTTP_WEB_SOCKET_ENDPOINT_TERMINATED_CLOSE_STATUS,
  WINHTTP_WEB_SOCKET_OPERATION,
  WINHTTP_WEB_SOCKET_RECEIVE_OPERATION,
  WINHTTP_WEB_SOCKET_SEND_OPERATION,
  WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION,
  WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS,
  WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
  WinHttpCloseHandle,
  WinHttpGetLastError,
  WinHttpQueryOption,
  WinHttpSetOption,
  WinHttpWebSocketClose,
  WinHttpWebSocketQueryCloseStatus,
  WinHttpWebSocketReceive,
  WinHttpWebSocketSend,
  WinHttpWebSocketShutdown,
} from '@wskit/winhttp';
import { describe, expect, it } from 'vitest';
import {
  bytes,
  decodeClientFrames,
  defer,
  delay,
  gatedDialer,
  startEngineServer,
  startRawServer,
  startWsServer,
  switchingProtocols,
  text,
  upgrade,
} from './helpers.js';

const cancelled = (operation: number): WINHTTP_WEB_SOCKET_ASYNC_RESULT => ({
  AsyncResult: { dwResult: 0, dwError: ERROR_WINHTTP_OPERATION_CANCELLED },
  Operation: operation as WINHTTP_WEB_SOCKET_ASYNC_RESULT['Operation'],
});

describe('closing', () => {
  it('H7 WinHttpWebSocketShutdown sends our close once, completes with SHUTDOWN_COMPLETE and keeps receiving', async () => {
    // The server answers our close with one more message, then its own close frame.
    let received = new Uint8Array(0);
    const server = await startRawServer((socket, head) => {
      socket.write(switchingProtocols(head));
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (decodeClientFrames(received).some((frame) => frame.opcode === 0x8)) {
          socket.write(Buffer.from([0x81, 0x05, ...bytes('later'), 0x88, 0x02, 0x03, 0xe8]));
        }
      });
    });
    const { webSocket, recorder } = await upgrade(server.port);
    expect(WinHttpWebSocketShutdown(webSocket, 1000, new Uint8Array(124), 124)).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpWebSocketShutdown(webSocket, 1000, null, 3)).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpWebSocketShutdown(webSocket, 1005, bytes('x'), 1)).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpWebSocketShutdown(webSocket, 1006, null, 0)).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpWebSocketShutdown(webSocket, 1000, Uint8Array.of(0xc3), 1)).toBe(ERROR_INVALID_PARAMETER); // not UTF-8
    const before = recorder.notifications.length;
    expect(WinHttpWebSocketShutdown(webSocket, 4000, bytes('half'), 4)).toBe(NO_ERROR);
    // SHUTDOWN_COMPLETE came inside the call, with no information.
    expect(
      recorder.notifications.slice(before).map((entry) => [entry.status, entry.information, entry.length]),
    ).toEqual([[WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE, null, 0]]);
    expect(WinHttpWebSocketShutdown(webSocket, 1000, null, 0)).toBe(ERROR_INVALID_OPERATION);
    // Receiving goes on: the message sent after our close, then the server's close.
    const buffer = new Uint8Array(16);
    expect(WinHttpWebSocketReceive(webSocket, buffer, 16)).toBe(NO_ERROR);
    const message = await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, webSocket);
    expect(message.information).toEqual({
      dwBytesTransferred: 5,
      eBufferType: WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
    });
    expect(text(buffer.subarray(0, 5))).toBe('later');
    expect(WinHttpWebSocketReceive(webSocket, buffer, 16)).toBe(NO_ERROR);
    const close = await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, webSocket);
    expect(close.information).toEqual({
      dwBytesTransferred: 0,
      eBufferType: WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE,
    });
    // Exactly one close frame went out, with our status and reason.
    const closes = decodeClientFrames(received).filter((frame) => frame.opcode === 0x8);
    expect(closes).toHaveLength(1);
    expect([...closes[0]!.payload]).toEqual([0x0f, 0xa0, ...bytes('half')]);
  });

  it('H8 WinHttpWebSocketClose cancels a pending receive, sends close, discards data, waits for the server and completes', async () => {
    const { port, clients } = await startEngineServer(() => {});
    const { webSocket, recorder } = await upgrade(port);
    const client = clients[0]!;
    const buffer = new Uint8Array(16);
    expect(WinHttpWebSocketReceive(webSocket, buffer, 16)).toBe(NO_ERROR);
    const before = recorder.notifications.length;
    expect(WinHttpWebSocketClose(webSocket, 1000, bytes('done'), 4)).toBe(NO_ERROR);
    // The cancellation came inside the call.
    const inside = recorder.notifications.slice(before);
    expect(inside.map((entry) => [entry.status, entry.information, entry.length])).toEqual([
      [WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, cancelled(WINHTTP_WEB_SOCKET_RECEIVE_OPERATION), 24],
    ]);
    expect(WinHttpWebSocketClose(webSocket, 1000, null, 0)).toBe(ERROR_INVALID_OPERATION);
    expect(WinHttpWebSocketReceive(webSocket, buffer, 16)).toBe(ERROR_INVALID_OPERATION);
    const ours = await client.waitFor('closeReceived');
    expect(ours.data).toMatchObject({ code: 1000, reason: 'done' });
    expect(recorder.statuses(webSocket)).not.toContain(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE);
    // (The server engine answers our close; CLOSE_COMPLETE follows the answer.)
    const done = await recorder.next(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, webSocket);
    expect([done.information, done.length]).toEqual([null, 0]);
    const status = { value: 0 };
    const reason = new Uint8Array(123);
    const length = { value: 0 };
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, reason, 123, length)).toBe(NO_ERROR);
    expect(status.value).toBe(1000);

    // A server that sends data and then closes on its own, while we close: the data is discarded.
    const second = await startRawServer((socket, head) => {
      socket.write(switchingProtocols(head));
      socket.on('data', () => {
        // Any frame from us (our close): answer with a message, then the close frame 1001 "bye".
        socket.write(Buffer.from([0x82, 0x02, 0x68, 0x69, 0x88, 0x05, 0x03, 0xe9, 0x62, 0x79, 0x65]));
      });
    });
    const other = await upgrade(second.port);
    expect(WinHttpWebSocketClose(other.webSocket, 1000, null, 0)).toBe(NO_ERROR);
    await other.recorder.next(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, other.webSocket);
    expect(other.recorder.statuses(other.webSocket)).not.toContain(WINHTTP_CALLBACK_STATUS_READ_COMPLETE);
    expect(WinHttpWebSocketQueryCloseStatus(other.webSocket, status, reason, 123, length)).toBe(NO_ERROR);
    expect([status.value, text(reason.subarray(0, length.value))]).toEqual([1001, 'bye']);
  });

  it('H8 WinHttpWebSocketClose after the server closed completes at once, inside the call', async () => {
    const { port, clients } = await startEngineServer(() => {});
    const { webSocket, recorder } = await upgrade(port);
    clients[0]!.engine.sendClose(1001, 'going away');
    clients[0]!.flush();
    const buffer = new Uint8Array(16);
    expect(WinHttpWebSocketReceive(webSocket, buffer, 16)).toBe(NO_ERROR);
    const read = await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, webSocket);
    expect(read.information).toEqual({
      dwBytesTransferred: 0,
      eBufferType: WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE,
    });
    const before = recorder.notifications.length;
    expect(WinHttpWebSocketClose(webSocket, 1000, null, 0)).toBe(NO_ERROR);
    expect(recorder.notifications.slice(before).map((entry) => entry.status)).toEqual([
      WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
    ]);
  });

  it("H8 WinHttpWebSocketClose after the server closed sends the application's status and reason", async () => {
    // A real server (@wskit/node's) starts the close and records the close frame it gets back.
    const server = new WskitServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    defer(() => server.close());
    const recorded = new Promise<[number, string, boolean]>((resolve) => {
      server.on('connection', (socket) => {
        socket.on('close', (code, reason, wasClean) => resolve([code, reason, wasClean]));
        socket.close(1001, 'going away');
      });
    });
    const { webSocket, recorder } = await upgrade((server.address() as AddressInfo).port);
    const buffer = new Uint8Array(16);
    expect(WinHttpWebSocketReceive(webSocket, buffer, 16)).toBe(NO_ERROR);
    const read = await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, webSocket);
    expect(read.information).toEqual({
      dwBytesTransferred: 0,
      eBufferType: WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE,
    });
    // Our answer: a status and reason of our own, not an echo of the server's 1001.
    expect(WinHttpWebSocketClose(webSocket, 4002, bytes('client reason'), 13)).toBe(NO_ERROR);
    await recorder.next(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, webSocket);
    expect(await recorded).toEqual([4002, 'client reason', true]);
    // The server's own close status is what QueryCloseStatus reports.
    const status = { value: 0 };
    const consumed = { value: 0 };
    const reason = new Uint8Array(123);
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, reason, 123, consumed)).toBe(NO_ERROR);
    expect([status.value, text(reason.subarray(0, consumed.value))]).toEqual([1001, 'going away']);
  });

  it("H7 WinHttpWebSocketShutdown after the server closed sends the application's status too", async () => {
    const server = new WskitServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    defer(() => server.close());
    const recorded = new Promise<[number, string]>((resolve) => {
      server.on('connection', (socket) => {
        socket.on('close', (code, reason) => resolve([code, reason]));
        socket.close(1000);
      });
    });
    const { webSocket, recorder } = await upgrade((server.address() as AddressInfo).port);
    expect(WinHttpWebSocketReceive(webSocket, new Uint8Array(16), 16)).toBe(NO_ERROR);
    await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, webSocket);
    expect(WinHttpWebSocketShutdown(webSocket, 1001, bytes('leaving'), 7)).toBe(NO_ERROR);
    await recorder.next(WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE, webSocket);
    expect(await recorded).toEqual([1001, 'leaving']);
  });

  it('H9 WinHttpWebSocketQueryCloseStatus answers once the close arrived, with the size when the buffer is short', async () => {
    const { port, clients } = await startEngineServer(() => {});
    const { webSocket, recorder } = await upgrade(port);
    const status = { value: 0xbeef };
    const consumed = { value: 0xbeef };
    const reason = new Uint8Array(123);
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, reason, 123, consumed)).toBe(
      ERROR_INVALID_OPERATION,
    );
    expect([status.value, consumed.value]).toEqual([0xbeef, 0xbeef]);
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, null, 5, consumed)).toBe(
      ERROR_INVALID_PARAMETER,
    );
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, reason, 124, consumed)).toBe(
      ERROR_INVALID_PARAMETER,
    );
    clients[0]!.engine.sendClose(4001, 'a reason of 24 bytes ok');
    clients[0]!.flush();
    // Arrived, but not received yet: still not valid.
    await delay(30);
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, reason, 123, consumed)).toBe(
      ERROR_INVALID_OPERATION,
    );
    expect(WinHttpWebSocketReceive(webSocket, reason, 1)).toBe(NO_ERROR);
    await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, webSocket);
    // A size query (NULL, 0), a short buffer, then the whole reason.
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, null, 0, consumed)).toBe(
      ERROR_INSUFFICIENT_BUFFER,
    );
    expect(consumed.value).toBe(23);
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, reason, 10, consumed)).toBe(
      ERROR_INSUFFICIENT_BUFFER,
    );
    expect(consumed.value).toBe(23);
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, reason, 123, consumed)).toBe(NO_ERROR);
    expect([status.value, consumed.value, text(reason.subarray(0, 23))]).toEqual([
      4001,
      23,
      'a reason of 24 bytes ok',
    ]);

    // A close frame without a status reads as 1005 (EMPTY) with no reason.
    const empty = await startEngineServer(() => {});
    const other = await upgrade(empty.port);
    empty.clients[0]!.engine.sendClose();
    empty.clients[0]!.flush();
    expect(WinHttpWebSocketReceive(other.webSocket, reason, 1)).toBe(NO_ERROR);
    await other.recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, other.webSocket);
    expect(WinHttpWebSocketQueryCloseStatus(other.webSocket, status, null, 0, consumed)).toBe(NO_ERROR);
    expect([status.value, consumed.value]).toEqual([WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS, 0]);
  });

  it('H10 WinHttpCloseHandle on a WebSocket cancels what is pending, then HANDLE_CLOSING is the last callback', async () => {
    const { port } = await startEngineServer(() => {});
    const { dialer, gate } = gatedDialer();
    const { webSocket, recorder } = await upgrade(port, '/', { dialer });
    const buffer = new Uint8Array(16);
    expect(WinHttpWebSocketReceive(webSocket, buffer, 16)).toBe(NO_ERROR);
    gate.blocked = true;
    expect(
      WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, bytes('x'), 1),
    ).toBe(NO_ERROR);
    expect(recorder.statuses(webSocket)).not.toContain(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE);
    const before = recorder.notifications.length;
    expect(WinHttpCloseHandle(webSocket)).toBe(true);
    const inside = recorder.notifications.slice(before);
    expect(inside.map((entry) => [entry.status, entry.information])).toEqual([
      [WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, cancelled(WINHTTP_WEB_SOCKET_RECEIVE_OPERATION)],
      [WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, cancelled(WINHTTP_WEB_SOCKET_SEND_OPERATION)],
      [WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, webSocket],
    ]);
    // The handle is gone: every function fails, and nothing more is reported for it.
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, null, 0)).toBe(
      ERROR_INVALID_HANDLE,
    );
    expect(WinHttpWebSocketReceive(webSocket, buffer, 16)).toBe(ERROR_INVALID_HANDLE);
    expect(WinHttpCloseHandle(webSocket)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_INVALID_HANDLE);
    gate.release();
    await delay(30);
    expect(recorder.notifications.at(-1)!.status).toBe(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING);
  });

  it('H12 WINHTTP_WEB_SOCKET_OPERATION (0–3) names the operation of every WebSocket REQUEST_ERROR', async () => {
    expect(WINHTTP_WEB_SOCKET_OPERATION).toEqual({
      WINHTTP_WEB_SOCKET_SEND_OPERATION: 0,
      WINHTTP_WEB_SOCKET_RECEIVE_OPERATION: 1,
      WINHTTP_WEB_SOCKET_CLOSE_OPERATION: 2,
      WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION: 3,
    });
    const { port } = await startEngineServer(() => {});
    const { dialer, gate } = gatedDialer();
    // SHUTDOWN and CLOSE pending together (Shutdown's frame waits for a drain; Close waits for the server).
    const silent = await startRawServer((socket, head) => socket.write(switchingProtocols(head)));
    const { webSocket, recorder } = await upgrade(silent.port, '/', { dialer });
    gate.blocked = true;
    expect(WinHttpWebSocketShutdown(webSocket, 1000, null, 0)).toBe(NO_ERROR);
    expect(WinHttpWebSocketClose(webSocket, 1000, null, 0)).toBe(NO_ERROR);
    const before = recorder.notifications.length;
    WinHttpCloseHandle(webSocket);
    expect(recorder.notifications.slice(before).map((entry) => entry.information)).toEqual([
      cancelled(WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION),
      cancelled(WINHTTP_WEB_SOCKET_CLOSE_OPERATION),
      webSocket,
    ]);
    void port;
  });

  it('H13 WINHTTP_WEB_SOCKET_CLOSE_STATUS has the 12 values, 1001 as ENDPOINT_TERMINATED', async () => {
    expect(Object.values(WINHTTP_WEB_SOCKET_CLOSE_STATUS)).toEqual([
      1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1015,
    ]);
    expect(WINHTTP_WEB_SOCKET_ENDPOINT_TERMINATED_CLOSE_STATUS).toBe(1001);
    expect(WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS).toBe(1000);
    const { port } = await startWsServer((socket) => socket.close(1001, 'restarting'));
    const { webSocket, recorder } = await upgrade(port);
    const buffer = new Uint8Array(8);
    expect(WinHttpWebSocketReceive(webSocket, buffer, 8)).toBe(NO_ERROR);
    await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, webSocket);
    const status = { value: 0 };
    const consumed = { value: 0 };
    const reason = new Uint8Array(123);
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, reason, 123, consumed)).toBe(NO_ERROR);
    expect(status.value).toBe(WINHTTP_WEB_SOCKET_ENDPOINT_TERMINATED_CLOSE_STATUS);
    expect(text(reason.subarray(0, consumed.value))).toBe('restarting');
  });

  it('H15 WINHTTP_WEB_SOCKET_ASYNC_RESULT comes with REQUEST_ERROR on a WebSocket handle: lost connection, bad frames', async () => {
    const dropping = await startRawServer((socket, head) => {
      socket.write(switchingProtocols(head));
      setTimeout(() => socket.destroy(), 20);
    });
    const lost = await upgrade(dropping.port);
    const buffer = new Uint8Array(8);
    expect(WinHttpWebSocketReceive(lost.webSocket, buffer, 8)).toBe(NO_ERROR);
    const error = await lost.recorder.next(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, lost.webSocket);
    expect([error.information, error.length]).toEqual([
      {
        AsyncResult: { dwResult: 0, dwError: ERROR_WINHTTP_CONNECTION_ERROR },
        Operation: WINHTTP_WEB_SOCKET_RECEIVE_OPERATION,
      },
      24,
    ]);
    // Close on a lost connection returns the error.
    expect(WinHttpWebSocketClose(lost.webSocket, 1000, null, 0)).toBe(ERROR_WINHTTP_CONNECTION_ERROR);

    // A frame with a reserved opcode (0x3): the server's data is invalid.
    const invalid = await startRawServer((socket, head) => {
      socket.write(Buffer.concat([switchingProtocols(head), Buffer.from([0x83, 0x00])]));
    });
    const bad = await upgrade(invalid.port);
    expect(WinHttpWebSocketReceive(bad.webSocket, buffer, 8)).toBe(NO_ERROR);
    const protocolError = await bad.recorder.next(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, bad.webSocket);
    expect(protocolError.information).toEqual({
      AsyncResult: { dwResult: 0, dwError: ERROR_WINHTTP_INVALID_SERVER_RESPONSE },
      Operation: WINHTTP_WEB_SOCKET_RECEIVE_OPERATION,
    });
  });

  it('H18 WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT (115) bounds the wait of WinHttpWebSocketClose (default 10000 ms)', async () => {
    expect(WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT).toBe(115);
    // A server that completes the upgrade and then never answers.
    const silent = await startRawServer((socket, head) => socket.write(switchingProtocols(head)));
    const { webSocket, recorder } = await upgrade(silent.port);
    const value = { value: 0 as unknown };
    expect(WinHttpQueryOption(webSocket, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, value)).toBe(true);
    expect(value.value).toBe(10000);
    expect(WinHttpSetOption(webSocket, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, 200, 2)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpSetOption(webSocket, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, 200)).toBe(true);
    const started = performance.now();
    expect(WinHttpWebSocketClose(webSocket, 1000, null, 0)).toBe(NO_ERROR);
    const error = await recorder.next(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, webSocket);
    const elapsed = performance.now() - started;
    expect(error.information).toEqual({
      AsyncResult: { dwResult: 0, dwError: ERROR_WINHTTP_TIMEOUT },
      Operation: WINHTTP_WEB_SOCKET_CLOSE_OPERATION,
    });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
    const status = { value: 0 };
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, null, 0, { value: 0 })).toBe(
      ERROR_INVALID_OPERATION,
    );
  });
});

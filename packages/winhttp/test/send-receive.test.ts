/**
 * Sending and receiving: checklist rows H5, H6, H11, H14 and H20 (WinHTTP WebSocket fact sheet §3b).
 */
import { WEB_SOCKET_BUFFER_TYPE } from '@wskit/websocket-dll';
import {
  ERROR_INVALID_OPERATION,
  ERROR_INVALID_PARAMETER,
  ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
  NO_ERROR,
  WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
  WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
  WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE,
  WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
  WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE,
  WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE,
  type WINHTTP_WEB_SOCKET_STATUS,
  WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
  WinHttpCloseHandle,
  WinHttpGetLastError,
  WinHttpOpenRequest,
  WinHttpQueryOption,
  WinHttpSetOption,
  WinHttpWebSocketClose,
  WinHttpWebSocketCompleteUpgrade,
  WinHttpWebSocketReceive,
  WinHttpWebSocketSend,
  WinHttpWebSocketShutdown,
} from '@wskit/winhttp';
import { describe, expect, it } from 'vitest';
import {
  bytes,
  defer,
  delay,
  gatedDialer,
  openRequest,
  type Recorder,
  sendAndReceive,
  startEngineServer,
  startWsServer,
  text,
  upgrade,
} from './helpers.js';

type Handle = Parameters<typeof WinHttpWebSocketReceive>[0];

/** Receives once into `buffer` (at `offset`, at most `length`) and returns the READ_COMPLETE status. */
async function receive(
  webSocket: Handle,
  recorder: Recorder,
  buffer: Uint8Array,
  length = buffer.length,
): Promise<WINHTTP_WEB_SOCKET_STATUS> {
  expect(WinHttpWebSocketReceive(webSocket, buffer, length)).toBe(NO_ERROR);
  const done = await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, webSocket);
  expect(done.length).toBe(8);
  return done.information as WINHTTP_WEB_SOCKET_STATUS;
}

/** The MASK bit of each frame in a stream of client frames (RFC 6455 §5.2). */
function maskBits(stream: Uint8Array): boolean[] {
  const bits: boolean[] = [];
  for (let offset = 0; offset < stream.length; ) {
    const second = stream[offset + 1]!;
    let length = second & 0x7f;
    let header = 2;
    if (length === 126) {
      length = (stream[offset + 2]! << 8) | stream[offset + 3]!;
      header = 4;
    } else if (length === 127) {
      length = Number(new DataView(stream.buffer, stream.byteOffset + offset + 2, 8).getBigUint64(0));
      header = 10;
    }
    const masked = (second & 0x80) !== 0;
    bits.push(masked);
    offset += header + (masked ? 4 : 0) + length;
  }
  return bits;
}

describe('send and receive', () => {
  it('H5 WinHttpWebSocketSend validates its arguments and completes with WRITE_COMPLETE { length, type }', async () => {
    const received: { data: string; binary: boolean }[] = [];
    const { port } = await startWsServer((socket) =>
      socket.on('message', (data, binary) => received.push({ data: String(data), binary })),
    );
    const { webSocket, recorder, request } = await upgrade(port);
    const message = bytes('hello');
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE, message, 5)).toBe(
      ERROR_INVALID_PARAMETER,
    );
    expect(WinHttpWebSocketSend(webSocket, 7 as 0, message, 5)).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, null, 5)).toBe(
      ERROR_INVALID_PARAMETER,
    );
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, 6)).toBe(
      ERROR_INVALID_PARAMETER,
    );
    expect(
      WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, Uint8Array.of(0xff), 1),
    ).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpWebSocketSend(request, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, 5)).toBe(
      ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
    );
    // Nothing was sent by the refused calls. Now a text message, a binary one and an empty one.
    const before = recorder.notifications.length;
    expect(
      WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, bytes('héllo'), 6),
    ).toBe(NO_ERROR);
    // The frame was handed to the transport at once: WRITE_COMPLETE came inside the call.
    expect(recorder.notifications.length).toBe(before + 1);
    const written = recorder.notifications.at(-1)!;
    expect(written.status).toBe(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE);
    expect(written.information).toEqual({
      dwBytesTransferred: 6,
      eBufferType: WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
    });
    expect(written.length).toBe(8);
    // The caller's buffer is not kept: changing it right away changes nothing.
    const reused = bytes('abc');
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, reused, 3)).toBe(
      NO_ERROR,
    );
    reused.fill(0x7a);
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, null, 0)).toBe(
      NO_ERROR,
    );
    await recorder.next(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, webSocket);
    await recorder.next(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, webSocket);
    const last = await recorder.next(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, webSocket);
    expect(last.information).toEqual({
      dwBytesTransferred: 0,
      eBufferType: WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
    });
    await delay(50);
    expect(received).toEqual([
      { data: 'héllo', binary: false },
      { data: 'abc', binary: true },
      { data: '', binary: true },
    ]);
  });

  it('H5 WinHttpWebSocketSend: one pending send, fragment sequences checked, masked frames, refused after Shutdown', async () => {
    const { port, clients } = await startEngineServer(() => {});
    const { dialer, gate } = gatedDialer();
    const { webSocket, recorder } = await upgrade(port, '/', { dialer });
    // Fragments: binary, binary, then a text type may not continue it.
    const part = bytes('part-');
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, part, 5)).toBe(
      NO_ERROR,
    );
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE, part, 5)).toBe(
      ERROR_INVALID_PARAMETER,
    );
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, part, 5)).toBe(
      ERROR_INVALID_PARAMETER,
    );
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, part, 5)).toBe(
      NO_ERROR,
    );
    // The transport pushes back: the next send stays pending, and a second one is refused.
    gate.blocked = true;
    expect(
      WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, bytes('end'), 3),
    ).toBe(NO_ERROR);
    const completions = recorder
      .statuses(webSocket)
      .filter((status) => status === WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE);
    expect(completions).toHaveLength(2);
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, part, 5)).toBe(
      ERROR_INVALID_OPERATION,
    );
    gate.release();
    const third = await recorder.next(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, webSocket);
    await recorder.next(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, webSocket);
    const done = await recorder.next(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, webSocket);
    void third;
    expect(done.information).toEqual({
      dwBytesTransferred: 3,
      eBufferType: WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
    });
    const client = clients[0]!;
    const message = await client.waitFor('message');
    expect(text(message.data as Uint8Array)).toBe('part-part-end');
    // Client frames are masked (the server engine requires it; the mask bit is set on the wire).
    expect(maskBits(Buffer.concat(gate.writes.slice(1)))).toEqual([true, true, true]); // after the request head
    // After Shutdown, sending is over.
    expect(WinHttpWebSocketShutdown(webSocket, 1000, null, 0)).toBe(NO_ERROR);
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, part, 5)).toBe(
      ERROR_INVALID_OPERATION,
    );
  });

  it('H6 WinHttpWebSocketReceive: one pending receive, FRAGMENT then MESSAGE pieces, pings and pongs handled, CLOSE last', async () => {
    const { port, clients } = await startEngineServer(() => {});
    const { webSocket, recorder } = await upgrade(port);
    const client = clients[0]!;
    const buffer = new Uint8Array(8);
    expect(WinHttpWebSocketReceive(webSocket, buffer, 0)).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpWebSocketReceive(webSocket, null as unknown as Uint8Array, 8)).toBe(
      ERROR_INVALID_PARAMETER,
    );
    expect(WinHttpWebSocketReceive(webSocket, buffer, 9)).toBe(ERROR_INVALID_PARAMETER);
    // Async mode: the out-parameters are left untouched.
    const bytesRead = { value: 0xdeadbeef };
    const bufferType = { value: 0xdeadbeef as 0 };
    expect(WinHttpWebSocketReceive(webSocket, buffer, 8, bytesRead, bufferType)).toBe(NO_ERROR);
    expect(WinHttpWebSocketReceive(webSocket, buffer, 8)).toBe(ERROR_INVALID_OPERATION);
    // The server pings and sends an unsolicited pong: neither completes the receive.
    client.engine.sendPing(bytes('are you there'));
    client.engine.sendPong(bytes('heartbeat'));
    client.flush();
    const pong = await client.waitFor('pong');
    expect(text(pong.data as Uint8Array)).toBe('are you there');
    await delay(20);
    expect(recorder.statuses(webSocket)).not.toContain(WINHTTP_CALLBACK_STATUS_READ_COMPLETE);
    // A 20-byte text message into an 8-byte buffer: FRAGMENT, FRAGMENT, MESSAGE.
    client.engine.sendText('0123456789abcdefghij');
    client.flush();
    const first = await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, webSocket);
    expect(first.information).toEqual({
      dwBytesTransferred: 8,
      eBufferType: WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
    });
    expect([bytesRead.value, bufferType.value]).toEqual([0xdeadbeef, 0xdeadbeef]);
    let assembled = text(buffer);
    expect(await receive(webSocket, recorder, buffer)).toEqual({
      dwBytesTransferred: 8,
      eBufferType: WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
    });
    assembled += text(buffer);
    expect(await receive(webSocket, recorder, buffer)).toEqual({
      dwBytesTransferred: 4,
      eBufferType: WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
    });
    assembled += text(buffer.subarray(0, 4));
    expect(assembled).toBe('0123456789abcdefghij');
    // A binary message sent in wire fragments: the type of the first frame goes on.
    client.engine.startMessage('binary', bytes('ab'));
    client.engine.continueMessage(bytes('cd'));
    client.engine.endMessage(bytes('ef'));
    client.flush();
    await delay(20);
    const large = new Uint8Array(100);
    expect(await receive(webSocket, recorder, large)).toEqual({
      dwBytesTransferred: 6,
      eBufferType: WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
    });
    expect(text(large.subarray(0, 6))).toBe('abcdef');
    // An empty message.
    client.engine.sendBinary(new Uint8Array(0));
    client.flush();
    expect(await receive(webSocket, recorder, large)).toEqual({
      dwBytesTransferred: 0,
      eBufferType: WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
    });
    // The server's close: CLOSE with 0 bytes, then the receive side is over.
    client.engine.sendClose(1000, 'bye');
    client.flush();
    expect(await receive(webSocket, recorder, large)).toEqual({
      dwBytesTransferred: 0,
      eBufferType: WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE,
    });
    expect(WinHttpWebSocketReceive(webSocket, large, 100)).toBe(ERROR_INVALID_OPERATION);
  });

  it('H6 a 4 MiB message echoed through 64 KiB receives: FRAGMENTs then one MESSAGE, bytes intact', async () => {
    const { port } = await startWsServer();
    const { webSocket, recorder } = await upgrade(port);
    const message = new Uint8Array(4 * 1024 * 1024);
    for (let index = 0; index < message.length; index++) message[index] = (index * 31) & 0xff;
    expect(
      WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, message.length),
    ).toBe(NO_ERROR);
    const written = await recorder.next(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, webSocket);
    expect(written.information).toEqual({
      dwBytesTransferred: message.length,
      eBufferType: WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
    });
    const received = new Uint8Array(message.length);
    let offset = 0;
    let fragments = 0;
    for (;;) {
      const status = await receive(
        webSocket,
        recorder,
        received.subarray(offset),
        Math.min(65536, received.length - offset || 1),
      );
      offset += status.dwBytesTransferred;
      if (status.eBufferType === WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE) break;
      expect(status.eBufferType).toBe(WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE);
      fragments++;
    }
    expect(offset).toBe(message.length);
    expect(fragments).toBeGreaterThanOrEqual(63);
    expect(Buffer.compare(received, message)).toBe(0);
  });

  it('H11 WINHTTP_WEB_SOCKET_BUFFER_TYPE has the values 0–4, unlike websocket.dll', () => {
    expect(WINHTTP_WEB_SOCKET_BUFFER_TYPE).toEqual({
      WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE: 0,
      WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE: 1,
      WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE: 2,
      WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE: 3,
      WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE: 4,
    });
    expect([
      WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
      WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
      WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
      WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
      WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE,
    ]).toEqual([0, 1, 2, 3, 4]);
    expect(WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE).toBe(0x80000002);
    expect(WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE).not.toBe(
      WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
    );
  });

  it('H14 WINHTTP_WEB_SOCKET_STATUS { dwBytesTransferred, eBufferType } comes with READ_COMPLETE and WRITE_COMPLETE only', async () => {
    const { port } = await startWsServer();
    const { webSocket, recorder } = await upgrade(port);
    const message = bytes('echo me');
    expect(WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, 7)).toBe(
      NO_ERROR,
    );
    const write = await recorder.next(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, webSocket);
    expect([write.information, write.length]).toEqual([
      { dwBytesTransferred: 7, eBufferType: WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE },
      8,
    ]);
    const buffer = new Uint8Array(64);
    expect(await receive(webSocket, recorder, buffer)).toEqual({
      dwBytesTransferred: 7,
      eBufferType: WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
    });
    // Shutdown and Close complete with no information (the struct page says otherwise; see the README).
    expect(WinHttpWebSocketShutdown(webSocket, 1000, null, 0)).toBe(NO_ERROR);
    const shutdown = await recorder.next(WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE, webSocket);
    expect([shutdown.information, shutdown.length]).toEqual([null, 0]);
    expect(WinHttpWebSocketClose(webSocket, 1000, null, 0)).toBe(NO_ERROR);
    const close = await recorder.next(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, webSocket);
    expect([close.information, close.length]).toEqual([null, 0]);
  });

  it('H20 WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE (122): inherited by the WebSocket, bounds what is read ahead', async () => {
    expect(WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE).toBe(122);
    const { port, clients } = await startEngineServer(() => {});
    const { dialer, gate } = gatedDialer();
    // Set on the session: requests opened later inherit it, and their WebSocket.
    const opened = openRequest(port, '/', { dialer });
    expect(WinHttpSetOption(opened.session, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, 1024)).toBe(true);
    const value = { value: 0 as unknown };
    expect(WinHttpQueryOption(opened.request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, value)).toBe(
      true,
    );
    expect(value.value).toBe(32768); // opened before the change
    const later = WinHttpOpenRequest(opened.connect, 'GET', '/', null, null, null, 0)!;
    defer(() => WinHttpCloseHandle(later));
    expect(WinHttpQueryOption(later, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, value)).toBe(true);
    expect(value.value).toBe(1024);
    expect(WinHttpSetOption(opened.request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, 1024)).toBe(true);
    await sendAndReceive(opened.request, opened.recorder);
    const webSocket = WinHttpWebSocketCompleteUpgrade(opened.request, 0)!;
    defer(() => WinHttpCloseHandle(webSocket));
    const recorder = opened.recorder;
    expect(WinHttpQueryOption(webSocket, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, { value: 0 })).toBe(
      false,
    );
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    await delay(20);
    const pausesBefore = gate.pauses;
    // 8 messages of 512 bytes and no receive pending: reading pauses at 1024 bytes read ahead.
    const client = clients[0]!;
    for (let index = 0; index < 8; index++) client.engine.sendBinary(new Uint8Array(512).fill(index));
    client.flush();
    await delay(50);
    expect(gate.pauses).toBeGreaterThan(pausesBefore);
    // Receiving takes them and reading resumes: all eight arrive, in order.
    const buffer = new Uint8Array(512);
    for (let index = 0; index < 8; index++) {
      expect(await receive(webSocket, recorder, buffer)).toEqual({
        dwBytesTransferred: 512,
        eBufferType: WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
      });
      expect(buffer.every((byte) => byte === index)).toBe(true);
    }
    expect(gate.resumes).toBeGreaterThan(0);
  });
});

/**
 * The Promise layer: `connectWinHttpWebSocket` and `WinHttpWebSocket`, a few lines over the callback
 * API each.
 */
import {
  connectWinHttpWebSocket,
  ERROR_INVALID_OPERATION,
  ERROR_WINHTTP_CANNOT_CONNECT,
  ERROR_WINHTTP_OPERATION_CANCELLED,
  WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
  WinHttpError,
  WinHttpWebSocket,
} from '@wskit/winhttp';
import { describe, expect, it } from 'vitest';
import { defer, startEngineServer, startRawServer, startWsServer, text, upgrade } from './helpers.js';

describe('the Promise layer', () => {
  it('sends text and binary, receives, shuts down and reads the server close', async () => {
    const { port, clients } = await startEngineServer((client) => {
      client.onEvent = (event) => {
        if (event.type === 'message') {
          client.engine.sendText(`echo:${text(event.data as Uint8Array)}`);
          client.flush();
        }
      };
    });
    const socket = await connectWinHttpWebSocket(`ws://127.0.0.1:${port}/chat`, {
      agent: 'promise test',
      protocols: ['chat'],
      headers: 'X-Client: 1',
    });
    defer(() => socket.closeHandle());
    await socket.send(WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, new TextEncoder().encode('hi'));
    const buffer = new Uint8Array(64);
    const reply = await socket.receive(buffer);
    expect(reply).toEqual({ bytesTransferred: 7, bufferType: WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE });
    expect(text(buffer.subarray(0, 7))).toBe('echo:hi');
    // A second receive while one is pending is refused at once.
    const pending = socket.receive(buffer);
    await expect(socket.receive(buffer)).rejects.toMatchObject({
      name: 'WinHttpError',
      code: ERROR_INVALID_OPERATION,
      operation: 'WinHttpWebSocketReceive',
    });
    await socket.shutdown(4000, 'bye');
    // The server engine answers our close; the pending receive gets it.
    expect(await pending).toEqual({ bytesTransferred: 0, bufferType: WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE });
    expect(socket.queryCloseStatus()).toEqual({ status: 4000, reason: new Uint8Array(0) });
    expect(clients[0]!.events.find((event) => event.type === 'close')?.data).toMatchObject({
      code: 4000,
      reason: 'bye',
    });
  });

  it('closeHandle rejects what is pending with ERROR_WINHTTP_OPERATION_CANCELLED', async () => {
    const { port } = await startWsServer(() => {});
    const socket = await connectWinHttpWebSocket(`ws://127.0.0.1:${port}/`);
    const pending = socket.receive(new Uint8Array(8));
    socket.closeHandle();
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WinHttpError);
    expect(error).toMatchObject({
      code: ERROR_WINHTTP_OPERATION_CANCELLED,
      operation: 'WinHttpWebSocketReceive',
    });
    await expect(socket.send(WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, 'late')).rejects.toMatchObject({
      code: 6,
    });
  });

  it('connectWinHttpWebSocket rejects with the failing call and code; other schemes are a TypeError', async () => {
    const closed = await startRawServer(() => {});
    const port = closed.port;
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    await expect(connectWinHttpWebSocket(`ws://127.0.0.1:${port}/`)).rejects.toMatchObject({
      code: ERROR_WINHTTP_CANNOT_CONNECT,
      operation: 'WinHttpSendRequest',
    });
    await expect(connectWinHttpWebSocket('ftp://example.com/')).rejects.toBeInstanceOf(TypeError);
  });

  it('wraps a handle from WinHttpWebSocketCompleteUpgrade and still calls its previous callback', async () => {
    const { port } = await startWsServer();
    const { webSocket, recorder } = await upgrade(port);
    const socket = new WinHttpWebSocket(webSocket);
    await socket.send(WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, 'héllo');
    expect(recorder.statuses(webSocket)).toContain(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE);
    const buffer = new Uint8Array(16);
    expect(await socket.receive(buffer)).toEqual({
      bytesTransferred: 6,
      bufferType: WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
    });
    await socket.close();
    expect(socket.queryCloseStatus()?.status).toBe(1000);
    expect(() => new WinHttpWebSocket({} as never)).toThrow(TypeError);
  });
});

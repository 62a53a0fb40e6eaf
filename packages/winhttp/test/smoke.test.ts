import {
  WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
  WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
  WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  WinHttpWebSocketClose,
  WinHttpWebSocketQueryCloseStatus,
  WinHttpWebSocketReceive,
  WinHttpWebSocketSend,
} from '@wskit/winhttp';
import { describe, expect, it } from 'vitest';
import { bytes, startWsServer, upgrade } from './helpers.js';

describe('smoke', () => {
  it('runs the sample flow', async () => {
    const { port } = await startWsServer();
    const { webSocket, recorder } = await upgrade(port);
    const message = bytes('Hello world, this is a longer message than the buffer');
    expect(
      WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, message.length),
    ).toBe(0);
    console.log((await recorder.next(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE)).information);
    const buffer = new Uint8Array(100);
    let offset = 0;
    for (;;) {
      expect(WinHttpWebSocketReceive(webSocket, buffer.subarray(offset), 16)).toBe(0);
      const done = await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE);
      console.log(done.information);
      const info = done.information as { dwBytesTransferred: number; eBufferType: number };
      offset += info.dwBytesTransferred;
      if (info.eBufferType === 0) break;
    }
    expect(new TextDecoder().decode(buffer.subarray(0, offset))).toBe(
      'Hello world, this is a longer message than the buffer',
    );
    expect(WinHttpWebSocketClose(webSocket, 1000, null, 0)).toBe(0);
    await recorder.next(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE);
    const status = { value: 0 };
    const consumed = { value: 0 };
    expect(WinHttpWebSocketQueryCloseStatus(webSocket, status, new Uint8Array(123), 123, consumed)).toBe(0);
    console.log(
      status,
      consumed,
      recorder.statuses().map((s) => s.toString(16)),
    );
  });
});

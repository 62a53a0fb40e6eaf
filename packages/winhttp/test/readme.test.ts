/**
 * The README's two examples, as they are written there (the server's address aside), against a
 * local echo server.
 */
import {
  connectWinHttpWebSocket,
  WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
  WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS,
  WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
  WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
  WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
  WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
  WINHTTP_FLAG_ASYNC,
  WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,
  WINHTTP_QUERY_FLAG_NUMBER,
  WINHTTP_QUERY_STATUS_CODE,
  type WINHTTP_STATUS_CALLBACK,
  WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  type WINHTTP_WEB_SOCKET_STATUS,
  WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS,
  WinHttpCloseHandle,
  WinHttpConnect,
  WinHttpOpen,
  WinHttpOpenRequest,
  WinHttpQueryHeaders,
  WinHttpReceiveResponse,
  WinHttpSendRequest,
  WinHttpSetOption,
  WinHttpSetStatusCallback,
  type WinHttpStatusInformation,
  WinHttpWebSocketClose,
  WinHttpWebSocketCompleteUpgrade,
  WinHttpWebSocketQueryCloseStatus,
  WinHttpWebSocketReceive,
  WinHttpWebSocketSend,
} from '@wskit/winhttp';
import { describe, expect, it } from 'vitest';
import { startWsServer } from './helpers.js';

describe('README', () => {
  it("runs the example of Microsoft's sample in callback mode", async () => {
    const { port } = await startWsServer();
    // One callback for every handle (handles created later inherit it): it settles the step we wait for.
    let step:
      | {
          status: number;
          resolve: (information: WinHttpStatusInformation) => void;
          reject: (error: Error) => void;
        }
      | undefined;
    const callback: WINHTTP_STATUS_CALLBACK = (_handle, _context, status, information) => {
      if (status === step?.status) step.resolve(information);
      else if (status === WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
        step?.reject(new Error(JSON.stringify(information)));
    };
    const completion = (status: number) =>
      new Promise<WinHttpStatusInformation>((resolve, reject) => (step = { status, resolve, reject }));

    const session = WinHttpOpen(
      'WebSocket sample',
      WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
      null,
      null,
      WINHTTP_FLAG_ASYNC,
    )!;
    WinHttpSetStatusCallback(session, callback, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS, 0);
    const connection = WinHttpConnect(session, 'localhost', port, 0)!;
    const request = WinHttpOpenRequest(connection, 'GET', '/', null, null, null, 0)!;
    WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, null, 0);

    let done = completion(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
    WinHttpSendRequest(request, null, 0, null, 0, 0, 0);
    await done;
    done = completion(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE);
    WinHttpReceiveResponse(request, null);
    await done;
    const status = { value: 0 as string | number };
    WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, null, status); // 101
    const webSocket = WinHttpWebSocketCompleteUpgrade(request, 0)!;
    WinHttpCloseHandle(request); // from now on, the WebSocket handle

    const message = new TextEncoder().encode('Hello world');
    done = completion(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE);
    WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, message.length);
    await done; // { dwBytesTransferred: 11, eBufferType: 0 }

    // Receive the echo 4 bytes at a time: BINARY_FRAGMENT (1), BINARY_FRAGMENT, then BINARY_MESSAGE (0).
    const buffer = new Uint8Array(1024);
    let offset = 0;
    let read: WINHTTP_WEB_SOCKET_STATUS;
    do {
      done = completion(WINHTTP_CALLBACK_STATUS_READ_COMPLETE);
      WinHttpWebSocketReceive(webSocket, buffer.subarray(offset), 4);
      read = (await done) as WINHTTP_WEB_SOCKET_STATUS;
      offset += read.dwBytesTransferred;
    } while (read.eBufferType === WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE);

    done = completion(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE);
    WinHttpWebSocketClose(webSocket, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, null, 0);
    await done;
    const closeStatus = { value: 0 };
    const reason = new Uint8Array(123);
    const reasonLength = { value: 0 };
    WinHttpWebSocketQueryCloseStatus(webSocket, closeStatus, reason, reason.length, reasonLength); // 1000
    for (const handle of [webSocket, connection, session]) WinHttpCloseHandle(handle);
    expect(status.value).toBe(101);
    expect(new TextDecoder().decode(buffer.subarray(0, offset))).toBe('Hello world');
    expect(closeStatus.value).toBe(1000);
  });

  it('runs the example of the Promise layer', async () => {
    const { port } = await startWsServer();
    const socket = await connectWinHttpWebSocket(`ws://localhost:${port}/`, { protocols: ['echo'] });
    await socket.send(WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, new TextEncoder().encode('Hello world'));

    const buffer = new Uint8Array(1024);
    let offset = 0;
    for (;;) {
      const { bytesTransferred, bufferType } = await socket.receive(buffer.subarray(offset), 4);
      offset += bytesTransferred;
      if (bufferType !== WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE) break;
    }
    await socket.close(1000, 'done');
    console.log(socket.queryCloseStatus()); // { status: 1000, reason: Uint8Array [100, 111, 110, 101] }
    socket.closeHandle();
    expect(new TextDecoder().decode(buffer.subarray(0, offset))).toBe('Hello world');
  });
});

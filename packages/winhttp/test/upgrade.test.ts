/**
 * The upgrade sequence: checklist rows H1–H4, H16, H21 and H22 (WinHTTP WebSocket fact sheet §3b).
 */
import { isValidKey } from '@wskit/handshake';
import {
  API_RECEIVE_RESPONSE,
  API_SEND_REQUEST,
  ERROR_INVALID_PARAMETER,
  ERROR_NOT_ENOUGH_MEMORY,
  ERROR_NOT_SUPPORTED,
  ERROR_WINHTTP_CANNOT_CONNECT,
  ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
  ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
  ERROR_WINHTTP_INVALID_OPTION,
  ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
  ERROR_WINHTTP_OPTION_NOT_SETTABLE,
  WINHTTP_ADDREQ_FLAG_ADD,
  WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER,
  WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER,
  WINHTTP_CALLBACK_STATUS_HANDLE_CREATED,
  WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
  WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
  WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
  WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED,
  WINHTTP_CALLBACK_STATUS_SENDING_REQUEST,
  WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
  WINHTTP_HANDLE_TYPE_CONNECT,
  WINHTTP_HANDLE_TYPE_REQUEST,
  WINHTTP_HANDLE_TYPE_SESSION,
  WINHTTP_HANDLE_TYPE_WEBSOCKET,
  WINHTTP_OPTION_HANDLE_TYPE,
  WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,
  WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE,
  WINHTTP_QUERY_CUSTOM,
  WINHTTP_QUERY_FLAG_NUMBER,
  WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
  WINHTTP_QUERY_RAW_HEADERS_CRLF,
  WINHTTP_QUERY_STATUS_CODE,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  WinHttpAddRequestHeaders,
  WinHttpCloseHandle,
  WinHttpGetLastError,
  WinHttpQueryHeaders,
  WinHttpQueryOption,
  WinHttpReceiveResponse,
  WinHttpSendRequest,
  WinHttpSetOption,
  WinHttpWebSocketCompleteUpgrade,
  WinHttpWebSocketReceive,
  WinHttpWebSocketSend,
} from '@wskit/winhttp';
import { describe, expect, it } from 'vitest';
import {
  bytes,
  defer,
  openRequest,
  sendAndReceive,
  startRawServer,
  startWsServer,
  switchingProtocols,
  text,
  upgrade,
} from './helpers.js';

/** A request head captured by a raw server that answers with `answer(head)`. */
async function captureRequest(answer: (head: import('@wskit/handshake').RequestHead) => Uint8Array) {
  const heads: import('@wskit/handshake').RequestHead[] = [];
  const server = await startRawServer((socket, head) => {
    heads.push(head);
    socket.write(answer(head));
  });
  return { ...server, heads };
}

describe('the upgrade sequence', () => {
  it('H1 WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET (114) marks a request: set only, request handles, no value', async () => {
    expect(WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET).toBe(114);
    const { port } = await startWsServer();
    const { session, connect, request, recorder } = openRequest(port, '/', { mark: false });
    expect(WinHttpSetOption(session, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, null, 0)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    expect(WinHttpSetOption(connect, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, null, 0)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    // Not marked: this API sends WebSocket handshakes only.
    expect(WinHttpSendRequest(request, null, 0, null, 0, 0, 0)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_NOT_SUPPORTED);
    expect(WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, null, 0)).toBe(true);
    expect(WinHttpGetLastError()).toBe(0);
    expect(WinHttpQueryOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, { value: 0 })).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INVALID_OPTION);
    await sendAndReceive(request, recorder);
    // Too late once sent.
    expect(WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, null, 0)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    expect(WinHttpWebSocketCompleteUpgrade(request, 0)).not.toBeNull();
  });

  it('H2 WinHttpSendRequest adds Upgrade, Connection, Version 13 if absent and a fresh key, asynchronously', async () => {
    const server = await captureRequest((head) => switchingProtocols(head));
    const { request, recorder } = openRequest(server.port, '/chat room?x=1');
    expect(
      WinHttpAddRequestHeaders(
        request,
        'Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nX-Test: 1',
        -1,
        WINHTTP_ADDREQ_FLAG_ADD,
      ),
    ).toBe(true);
    // The request's HANDLE_CREATED came when it was opened.
    expect(recorder.statuses(request)).toEqual([WINHTTP_CALLBACK_STATUS_HANDLE_CREATED]);
    expect(WinHttpSendRequest(request, 'X-More: 2', -1, null, 0, 0, 'request context')).toBe(true);
    // Nothing is reported inside the call.
    expect(recorder.statuses(request)).toHaveLength(1);
    await recorder.next(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, request);
    expect(recorder.statuses(request).slice(1)).toEqual([
      WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER,
      WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER,
      WINHTTP_CALLBACK_STATUS_SENDING_REQUEST,
      WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
      WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
    ]);
    expect(recorder.notifications.at(-1)!.context).toBe('request context');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const head = server.heads[0]!;
    expect(head.method).toBe('GET');
    expect(head.target).toBe('/chat%20room?x=1');
    expect(head.headers.get('host')).toBe(`127.0.0.1:${server.port}`);
    expect(head.headers.get('upgrade')).toBe('websocket');
    expect(head.headers.get('connection')).toBe('Upgrade');
    expect(head.headers.get('sec-websocket-version')).toBe('13');
    expect(head.headers.get('sec-websocket-protocol')).toBe('chat');
    expect(head.headers.get('x-test')).toBe('1');
    expect(head.headers.get('x-more')).toBe('2');
    expect(head.headers.get('user-agent')).toBe('wskit tests');
    const key = head.headers.getAll('sec-websocket-key');
    expect(key).toHaveLength(1);
    expect(key[0]).not.toBe('AAAAAAAAAAAAAAAAAAAAAA==');
    expect(isValidKey(key[0]!)).toBe(true);
    // The request as sent can be queried too.
    const sentKey = { value: '' as string | number };
    expect(
      WinHttpQueryHeaders(
        request,
        WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
        'Sec-WebSocket-Key',
        sentKey,
      ),
    ).toBe(true);
    expect(sentKey.value).toBe(key[0]);
    // A second request gets another key.
    const second = openRequest(server.port);
    await sendAndReceive(second.request, second.recorder);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.heads[1]!.headers.get('sec-websocket-key')).not.toBe(key[0]);
    // A header the application set is kept (added only if absent).
    const third = openRequest(server.port);
    WinHttpAddRequestHeaders(third.request, 'Connection: keep-alive, Upgrade', -1, WINHTTP_ADDREQ_FLAG_ADD);
    await sendAndReceive(third.request, third.recorder);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.heads[2]!.headers.getAll('connection')).toEqual(['keep-alive, Upgrade']);
  });

  it('H2 WinHttpSendRequest fails with REQUEST_ERROR (API_SEND_REQUEST) when it cannot connect, or for a send buffer under 16', async () => {
    const closed = await startRawServer(() => {});
    const port = closed.port;
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const { request, recorder } = openRequest(port);
    expect(WinHttpSendRequest(request, null, 0, null, 0, 0, 0)).toBe(true);
    const error = await recorder.next(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, request);
    expect(error.information).toEqual({ dwResult: API_SEND_REQUEST, dwError: ERROR_WINHTTP_CANNOT_CONNECT });
    expect(error.length).toBe(16);

    let connections = 0;
    const server = await startRawServer(() => {});
    server.server.on('connection', () => connections++);
    const small = openRequest(server.port);
    expect(WinHttpSetOption(small.request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 15)).toBe(true);
    expect(WinHttpSendRequest(small.request, null, 0, null, 0, 0, 0)).toBe(true);
    const refused = await small.recorder.next(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, small.request);
    expect(refused.information).toEqual({ dwResult: API_SEND_REQUEST, dwError: ERROR_NOT_ENOUGH_MEMORY });
    expect(connections).toBe(0);
    // A body is not part of an upgrade.
    const withBody = openRequest(server.port);
    expect(WinHttpSendRequest(withBody.request, null, 0, bytes('x'), 1, 1, 0)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_INVALID_PARAMETER);
  });

  it('H3 WinHttpReceiveResponse reads the 101 (HEADERS_AVAILABLE) and verifies Sec-WebSocket-Accept', async () => {
    const { port } = await startWsServer();
    const { request, recorder } = openRequest(port);
    expect(WinHttpReceiveResponse(request, null)).toBe(false); // not sent yet
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    expect(WinHttpSendRequest(request, null, 0, null, 0, 0, 0)).toBe(true);
    await recorder.next(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, request);
    expect(WinHttpReceiveResponse(request, null)).toBe(true);
    await recorder.next(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, request);
    expect(recorder.statuses(request).slice(-3)).toEqual([
      WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE,
      WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED,
      WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
    ]);
    const status = { value: 0 as string | number };
    expect(
      WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, null, status),
    ).toBe(true);
    expect(status.value).toBe(101);
    const raw = { value: '' as string | number };
    const length = { value: 0 };
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_RAW_HEADERS_CRLF, null, null, length)).toBe(false); // size query
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_RAW_HEADERS_CRLF, null, raw, length)).toBe(true);
    expect(raw.value).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(raw.value).toMatch(/\r\nSec-WebSocket-Accept: [A-Za-z0-9+/=]+\r\n/i);
    expect(raw.value).toMatch(/\r\n\r\n$/);
    expect(length.value).toBe(((raw.value as string).length + 1) * 2);

    // A 101 with a wrong Sec-WebSocket-Accept is not a WebSocket handshake.
    const bad = await startRawServer((socket) =>
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x3JJHMbDL1EzLkh9GBhXDw7nVjc=\r\n\r\n',
      ),
    );
    const second = openRequest(bad.port);
    expect(WinHttpSendRequest(second.request, null, 0, null, 0, 0, 0)).toBe(true);
    await second.recorder.next(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, second.request);
    expect(WinHttpReceiveResponse(second.request, null)).toBe(true);
    const error = await second.recorder.next(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, second.request);
    expect(error.information).toEqual({
      dwResult: API_RECEIVE_RESPONSE,
      dwError: ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
    });
  });

  it('H4 WinHttpWebSocketCompleteUpgrade needs a marked request answered with 101; one WebSocket per request', async () => {
    const refusing = await startRawServer((socket) =>
      socket.write('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
    );
    const notFound = openRequest(refusing.port);
    expect(WinHttpWebSocketCompleteUpgrade(notFound.request, 0)).toBeNull(); // not even sent
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    await sendAndReceive(notFound.request, notFound.recorder);
    const status = { value: 0 as string | number };
    WinHttpQueryHeaders(
      notFound.request,
      WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
      null,
      status,
    );
    expect(status.value).toBe(404);
    expect(WinHttpWebSocketCompleteUpgrade(notFound.request, 0)).toBeNull();
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);

    // The server sends a first message right behind its 101, in the same write.
    const early = await startRawServer((socket, head) => {
      const frame = Uint8Array.of(0x82, 0x05, ...bytes('early'));
      socket.write(Buffer.concat([switchingProtocols(head), frame]));
    });
    const { request, recorder } = openRequest(early.port);
    await sendAndReceive(request, recorder);
    const webSocket = WinHttpWebSocketCompleteUpgrade(request, 'websocket context');
    expect(webSocket).not.toBeNull();
    defer(() => WinHttpCloseHandle(webSocket!));
    // HANDLE_CREATED came inside the call, with the new handle and its context.
    const created = recorder.notifications.at(-1)!;
    expect(created.status).toBe(WINHTTP_CALLBACK_STATUS_HANDLE_CREATED);
    expect(created.handle).toBe(webSocket);
    expect(created.information).toBe(webSocket);
    expect(created.context).toBe('websocket context');
    expect(WinHttpWebSocketCompleteUpgrade(request, 0)).toBeNull();
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    const type = { value: 0 as unknown };
    expect(WinHttpQueryOption(webSocket!, WINHTTP_OPTION_HANDLE_TYPE, type)).toBe(true);
    expect(type.value).toBe(WINHTTP_HANDLE_TYPE_WEBSOCKET);
    // The request may be closed at once; the WebSocket keeps the connection and the early frame.
    expect(WinHttpCloseHandle(request)).toBe(true);
    const buffer = new Uint8Array(16);
    expect(WinHttpWebSocketReceive(webSocket!, buffer, buffer.length)).toBe(0);
    const read = await recorder.next(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, webSocket!);
    expect(read.information).toEqual({
      dwBytesTransferred: 5,
      eBufferType: WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
    });
    expect(text(buffer.subarray(0, 5))).toBe('early');
  });

  it('H16 WINHTTP_ASYNC_RESULT reports handshake-phase errors with API_SEND_REQUEST (5) and API_RECEIVE_RESPONSE (1)', async () => {
    expect(API_SEND_REQUEST).toBe(5);
    expect(API_RECEIVE_RESPONSE).toBe(1);
    // The server closes without answering.
    const silent = await startRawServer((socket) => socket.end());
    const { request, recorder } = openRequest(silent.port);
    expect(WinHttpSendRequest(request, null, 0, null, 0, 0, 0)).toBe(true);
    await recorder.next(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, request);
    expect(WinHttpReceiveResponse(request, null)).toBe(true);
    const error = await recorder.next(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, request);
    expect(error.information).toEqual({
      dwResult: API_RECEIVE_RESPONSE,
      dwError: ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
    });
    expect(error.length).toBe(16);
    expect(WinHttpWebSocketCompleteUpgrade(request, 0)).toBeNull();
  });

  it('H21 WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE (123): DWORD on session and request, query and set', async () => {
    expect(WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE).toBe(123);
    const { port } = await startWsServer();
    const { session, connect, request, recorder } = openRequest(port);
    const value = { value: 0 as unknown };
    expect(WinHttpQueryOption(session, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, value)).toBe(true);
    expect(value.value).toBe(32768);
    expect(WinHttpSetOption(session, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 4096)).toBe(true);
    expect(WinHttpSetOption(connect, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 4096)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    // Four little-endian bytes, as C passes a DWORD; another size is refused.
    expect(
      WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, Uint8Array.of(16, 0, 0, 0)),
    ).toBe(true);
    expect(WinHttpQueryOption(request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, value)).toBe(true);
    expect(value.value).toBe(16);
    expect(WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, Uint8Array.of(16, 0))).toBe(
      false,
    );
    expect(WinHttpGetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 16, 2)).toBe(false);
    // 16 is the minimum that works.
    await sendAndReceive(request, recorder);
    const webSocket = WinHttpWebSocketCompleteUpgrade(request, 0)!;
    defer(() => WinHttpCloseHandle(webSocket));
    const message = bytes('x'.repeat(100));
    expect(
      WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, message.length),
    ).toBe(0);
  });

  it('H22 WINHTTP_HANDLE_TYPE_WEBSOCKET (5) is what WINHTTP_OPTION_HANDLE_TYPE reports for a WebSocket handle', async () => {
    expect(WINHTTP_HANDLE_TYPE_WEBSOCKET).toBe(5);
    const { port } = await startWsServer();
    const { webSocket, request } = await upgrade(port);
    const type = { value: 0 as unknown };
    const length = { value: 0 };
    expect(WinHttpQueryOption(webSocket, WINHTTP_OPTION_HANDLE_TYPE, type, length)).toBe(true);
    expect([type.value, length.value]).toEqual([5, 4]);
    expect(WinHttpQueryOption(request, WINHTTP_OPTION_HANDLE_TYPE, type)).toBe(true);
    expect(type.value).toBe(WINHTTP_HANDLE_TYPE_REQUEST);
    const { session, connect } = openRequest(port);
    WinHttpQueryOption(session, WINHTTP_OPTION_HANDLE_TYPE, type);
    expect(type.value).toBe(WINHTTP_HANDLE_TYPE_SESSION);
    WinHttpQueryOption(connect, WINHTTP_OPTION_HANDLE_TYPE, type);
    expect(type.value).toBe(WINHTTP_HANDLE_TYPE_CONNECT);
    expect(WinHttpSetOption(webSocket, WINHTTP_OPTION_HANDLE_TYPE, 3)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_OPTION_NOT_SETTABLE);
  });
});

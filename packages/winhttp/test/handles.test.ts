/**
 * The handle functions around the WebSocket rows: WinHttpOpen's choices (async only, no named
 * proxy), WinHttpConnect and WinHttpOpenRequest checks, WinHttpAddRequestHeaders modifiers,
 * WinHttpQueryHeaders forms and the context value.
 */
import {
  ERROR_INSUFFICIENT_BUFFER,
  ERROR_INVALID_PARAMETER,
  ERROR_NOT_SUPPORTED,
  ERROR_WINHTTP_HEADER_ALREADY_EXISTS,
  ERROR_WINHTTP_HEADER_NOT_FOUND,
  ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
  ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
  ERROR_WINHTTP_INVALID_HEADER,
  ERROR_WINHTTP_INVALID_QUERY_REQUEST,
  ERROR_WINHTTP_INVALID_URL,
  WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
  WINHTTP_ACCESS_TYPE_NAMED_PROXY,
  WINHTTP_ACCESS_TYPE_NO_PROXY,
  WINHTTP_ADDREQ_FLAG_ADD,
  WINHTTP_ADDREQ_FLAG_ADD_IF_NEW,
  WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA,
  WINHTTP_ADDREQ_FLAG_REPLACE,
  WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_FLAG_ASYNC,
  WINHTTP_OPTION_CONTEXT_VALUE,
  WINHTTP_QUERY_CUSTOM,
  WINHTTP_QUERY_FLAG_NUMBER,
  WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
  WINHTTP_QUERY_RAW_HEADERS,
  WINHTTP_QUERY_STATUS_TEXT,
  WINHTTP_QUERY_UPGRADE,
  WINHTTP_QUERY_VERSION,
  WinHttpAddRequestHeaders,
  WinHttpCloseHandle,
  WinHttpConnect,
  WinHttpGetLastError,
  WinHttpOpen,
  WinHttpOpenRequest,
  WinHttpQueryHeaders,
  WinHttpQueryOption,
  WinHttpSendRequest,
  WinHttpSetOption,
} from '@wskit/winhttp';
import { describe, expect, it } from 'vitest';
import { openRequest, sendAndReceive, startRawServer, startWsServer, switchingProtocols } from './helpers.js';

describe('handles', () => {
  it('WinHttpOpen: async sessions only (JavaScript cannot block), no named proxy', () => {
    expect(WinHttpOpen('agent', WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, null, null, 0)).toBeNull();
    expect(WinHttpGetLastError()).toBe(ERROR_NOT_SUPPORTED);
    expect(
      WinHttpOpen('agent', WINHTTP_ACCESS_TYPE_NAMED_PROXY, 'proxy:8080', null, WINHTTP_FLAG_ASYNC),
    ).toBeNull();
    expect(WinHttpGetLastError()).toBe(ERROR_NOT_SUPPORTED);
    expect(WinHttpOpen('agent', 2, null, null, WINHTTP_FLAG_ASYNC)).toBeNull();
    expect(WinHttpGetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(WinHttpOpen('agent', 0, null, null, WINHTTP_FLAG_ASYNC, { dialer: 'node' as never })).toBeNull();
    expect(WinHttpGetLastError()).toBe(ERROR_INVALID_PARAMETER);
    const session = WinHttpOpen(null, WINHTTP_ACCESS_TYPE_NO_PROXY, null, null, WINHTTP_FLAG_ASYNC);
    expect(session).not.toBeNull();
    expect(WinHttpGetLastError()).toBe(0);
    expect(WinHttpConnect(session!, '', 80, 0)).toBeNull();
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INVALID_URL);
    expect(WinHttpConnect(session!, 'bad host', 80, 0)).toBeNull();
    expect(WinHttpConnect(session!, 'localhost', 65536, 0)).toBeNull();
    expect(WinHttpGetLastError()).toBe(ERROR_INVALID_PARAMETER);
    const connect = WinHttpConnect(session!, '[::1]', 0, 0);
    expect(connect).not.toBeNull();
    expect(WinHttpOpenRequest(session!, 'GET', '/', null, null, null, 0)).toBeNull();
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    expect(WinHttpOpenRequest(connect!, 'G T', '/', null, null, null, 0)).toBeNull();
    expect(WinHttpOpenRequest(connect!, 'GET', '/', 'HTTP/one', null, null, 0)).toBeNull();
    expect(WinHttpOpenRequest(connect!, null, null, null, null, null, 0)).not.toBeNull();
    expect(WinHttpCloseHandle(connect!)).toBe(true);
    expect(WinHttpCloseHandle(session!)).toBe(true);
  });

  it('WinHttpAddRequestHeaders: ADD, ADD_IF_NEW, REPLACE, COALESCE; invalid lines change nothing', async () => {
    const heads: import('@wskit/handshake').RequestHead[] = [];
    const server = await startRawServer((socket, head) => {
      heads.push(head);
      socket.write(switchingProtocols(head));
    });
    const { request, recorder } = openRequest(server.port);
    expect(WinHttpAddRequestHeaders(request, 'X-A: 1\r\nX-B: 2', -1, WINHTTP_ADDREQ_FLAG_ADD)).toBe(true);
    expect(WinHttpAddRequestHeaders(request, 'X-A: 3', -1, WINHTTP_ADDREQ_FLAG_ADD_IF_NEW)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_HEADER_ALREADY_EXISTS);
    expect(WinHttpAddRequestHeaders(request, 'X-B: 4', -1, WINHTTP_ADDREQ_FLAG_REPLACE)).toBe(true);
    expect(WinHttpAddRequestHeaders(request, 'X-C: 5', -1, WINHTTP_ADDREQ_FLAG_REPLACE)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_HEADER_NOT_FOUND);
    expect(WinHttpAddRequestHeaders(request, 'X-A: 6', -1, WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA)).toBe(
      true,
    );
    expect(WinHttpAddRequestHeaders(request, 'X-D: 7\r\nX-D 8', -1, WINHTTP_ADDREQ_FLAG_ADD)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INVALID_HEADER);
    expect(WinHttpAddRequestHeaders(request, 'X-E: 9 and more', 6, WINHTTP_ADDREQ_FLAG_ADD)).toBe(true);
    // The request's own headers can be read back before sending.
    const value = { value: '' as string | number };
    expect(
      WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, 'X-A', value),
    ).toBe(true);
    expect(value.value).toBe('1, 6');
    await sendAndReceive(request, recorder);
    expect(WinHttpAddRequestHeaders(request, 'X-F: 1', -1, WINHTTP_ADDREQ_FLAG_ADD)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    const headers = heads[0]!.headers;
    expect([
      headers.get('x-a'),
      headers.get('x-b'),
      headers.get('x-c'),
      headers.get('x-d'),
      headers.get('x-e'),
    ]).toEqual(['1, 6', '4', undefined, undefined, '9']);
  });

  it('WinHttpQueryHeaders: version, status text, named levels, indexes, numbers, raw headers with NULs', async () => {
    const server = await startRawServer((socket, head) => {
      socket.write(switchingProtocols(head, { 'X-Twice': 'one' }));
    });
    const { request, recorder } = openRequest(server.port);
    const value = { value: '' as string | number };
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_VERSION, null, value)).toBe(false); // no response yet
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    await sendAndReceive(request, recorder);
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_VERSION, null, value)).toBe(true);
    expect(value.value).toBe('HTTP/1.1');
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_TEXT, null, value)).toBe(true);
    expect(value.value).toBe('Switching Protocols');
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_UPGRADE, null, value)).toBe(true);
    expect(value.value).toBe('websocket');
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_UPGRADE | WINHTTP_QUERY_FLAG_NUMBER, null, value)).toBe(
      false,
    );
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_INVALID_QUERY_REQUEST);
    const index = { value: 0 };
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM, 'x-twice', value, null, index)).toBe(true);
    expect([value.value, index.value]).toEqual(['one', 1]);
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM, 'x-twice', value, null, index)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_HEADER_NOT_FOUND);
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_CUSTOM, 'X-Missing', value)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_WINHTTP_HEADER_NOT_FOUND);
    const length = { value: 0 };
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_RAW_HEADERS, null, null, length)).toBe(false);
    expect(WinHttpGetLastError()).toBe(ERROR_INSUFFICIENT_BUFFER);
    expect(WinHttpQueryHeaders(request, WINHTTP_QUERY_RAW_HEADERS, null, value, length)).toBe(true);
    expect((value.value as string).split('\0').slice(0, 2)).toEqual([
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
    ]);
    expect(value.value).toMatch(/\0\0$/);
  });

  it('WINHTTP_OPTION_CONTEXT_VALUE sets the dwContext of callbacks; closing a request cancels its pending send', async () => {
    const { port } = await startWsServer();
    const { request, recorder } = openRequest(port);
    const context = { name: 'my request' };
    expect(WinHttpSetOption(request, WINHTTP_OPTION_CONTEXT_VALUE, context)).toBe(true);
    const read = { value: undefined as unknown };
    expect(WinHttpQueryOption(request, WINHTTP_OPTION_CONTEXT_VALUE, read)).toBe(true);
    expect(read.value).toBe(context);
    expect(WinHttpSendRequest(request, null, 0, null, 0, 0, context)).toBe(true);
    WinHttpCloseHandle(request);
    const notifications = recorder.notifications.filter((entry) => entry.handle === request).slice(-2);
    expect(notifications.map((entry) => [entry.status, entry.information, entry.context])).toEqual([
      [WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, { dwResult: 5, dwError: 12017 }, context],
      [WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, request, context],
    ]);
  });
});

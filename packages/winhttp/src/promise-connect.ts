/**
 * The upgrade sequence with promises: `WinHttpOpen`, `WinHttpConnect`, `WinHttpOpenRequest`,
 * `WinHttpSetOption(UPGRADE_TO_WEB_SOCKET)`, `WinHttpSendRequest`, `WinHttpReceiveResponse`, the
 * status check and `WinHttpWebSocketCompleteUpgrade`, the calls Microsoft's sample makes.
 */
import {
  WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS,
  WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
} from './callback-constants.js';
import { ERROR_WINHTTP_INVALID_SERVER_RESPONSE } from './error-codes.js';
import {
  WinHttpCloseHandle,
  WinHttpConnect,
  WinHttpOpen,
  WinHttpOpenRequest,
  WinHttpSetStatusCallback,
} from './handle-functions.js';
import { WinHttpGetLastError } from './last-error.js';
import {
  INTERNET_DEFAULT_PORT,
  WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
  WINHTTP_ADDREQ_FLAG_ADD,
  WINHTTP_FLAG_ASYNC,
  WINHTTP_FLAG_SECURE,
  WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,
  WINHTTP_QUERY_FLAG_NUMBER,
  WINHTTP_QUERY_STATUS_CODE,
} from './option-constants.js';
import { WinHttpSetOption } from './option-functions.js';
import { WinHttpWebSocket } from './promise-websocket.js';
import {
  WinHttpAddRequestHeaders,
  WinHttpQueryHeaders,
  WinHttpReceiveResponse,
  WinHttpSendRequest,
} from './request-functions.js';
import type { HINTERNET, WINHTTP_ASYNC_RESULT, WinHttpSessionOptions } from './types.js';
import { WinHttpWebSocketCompleteUpgrade } from './websocket-functions.js';
import { WinHttpError } from './winhttp-error.js';

/** How {@link connectWinHttpWebSocket} builds the request. */
export interface ConnectWinHttpWebSocketOptions extends WinHttpSessionOptions {
  /** The `User-Agent` (`WinHttpOpen`'s `pszAgentW`). */
  readonly agent?: string;
  /** Extra request header lines, `Name: value` separated by CRLF (`WinHttpAddRequestHeaders`). */
  readonly headers?: string;
  /** Subprotocols to offer, as a `Sec-WebSocket-Protocol` header. */
  readonly protocols?: readonly string[];
  /** Options to set on the request before it is sent, as `[option, value]` pairs (`WinHttpSetOption`). */
  readonly requestOptions?: readonly (readonly [option: number, value: unknown])[];
  /** The WebSocket handle's context value (`WinHttpWebSocketCompleteUpgrade`'s `pContext`). */
  readonly context?: unknown;
}

/**
 * Opens a WebSocket to a `ws:` or `wss:` URL (`http:`/`https:` too) with the WinHTTP upgrade
 * sequence and resolves with it wrapped in a {@link WinHttpWebSocket}. Rejects with a
 * {@link WinHttpError} (the code of the failing call or completion; a status other than 101 is
 * `ERROR_WINHTTP_INVALID_SERVER_RESPONSE` with the status in the message), or a `TypeError` for a URL
 * of another scheme.
 */
export async function connectWinHttpWebSocket(
  url: string | URL,
  options: ConnectWinHttpWebSocketOptions = {},
): Promise<WinHttpWebSocket> {
  const target = new URL(url);
  const secure = target.protocol === 'wss:' || target.protocol === 'https:';
  if (!secure && target.protocol !== 'ws:' && target.protocol !== 'http:') {
    throw new TypeError(`connectWinHttpWebSocket needs a ws: or wss: URL, not ${target.protocol}`);
  }
  const session = WinHttpOpen(
    options.agent ?? null,
    WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
    null,
    null,
    WINHTTP_FLAG_ASYNC,
    {
      ...(options.dialer === undefined ? {} : { dialer: options.dialer }),
      tls: options.tls,
    },
  );
  if (session === null) throw new WinHttpError(WinHttpGetLastError(), 'WinHttpOpen');
  const handles: HINTERNET[] = [session];
  const check = <T>(value: T | null | false, operation: string): T => {
    if (value === null || value === false) throw new WinHttpError(WinHttpGetLastError(), operation);
    return value;
  };
  try {
    let step:
      | { status: number; resolve: () => void; reject: (error: WinHttpError) => void; operation: string }
      | undefined;
    WinHttpSetStatusCallback(
      session,
      (_handle, _context, status, information) => {
        if (step === undefined) return;
        if (status === step.status) step.resolve();
        else if (status === WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
          step.reject(new WinHttpError((information as WINHTTP_ASYNC_RESULT).dwError, step.operation));
        }
      },
      WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS,
      0,
    );
    const awaitStep = (status: number, operation: string, call: () => boolean): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        step = { status, resolve, reject, operation };
        check(call(), operation);
      }).finally(() => {
        step = undefined;
      });

    const port = target.port === '' ? INTERNET_DEFAULT_PORT : Number(target.port);
    const connect = check(WinHttpConnect(session, target.hostname, port, 0), 'WinHttpConnect');
    handles.unshift(connect);
    const path = `${target.pathname}${target.search}`;
    const request = check(
      WinHttpOpenRequest(connect, 'GET', path, null, null, null, secure ? WINHTTP_FLAG_SECURE : 0),
      'WinHttpOpenRequest',
    );
    handles.unshift(request);
    check(WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, null, 0), 'WinHttpSetOption');
    for (const [option, value] of options.requestOptions ?? []) {
      check(WinHttpSetOption(request, option, value), 'WinHttpSetOption');
    }
    let headers = options.headers ?? '';
    if (options.protocols !== undefined && options.protocols.length > 0) {
      headers += `${headers === '' || headers.endsWith('\r\n') ? '' : '\r\n'}Sec-WebSocket-Protocol: ${options.protocols.join(', ')}`;
    }
    if (headers !== '') {
      check(
        WinHttpAddRequestHeaders(request, headers, -1, WINHTTP_ADDREQ_FLAG_ADD),
        'WinHttpAddRequestHeaders',
      );
    }
    await awaitStep(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 'WinHttpSendRequest', () =>
      WinHttpSendRequest(request, null, 0, null, 0, 0, 0),
    );
    await awaitStep(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, 'WinHttpReceiveResponse', () =>
      WinHttpReceiveResponse(request, null),
    );
    const status = { value: 0 as string | number };
    check(
      WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, null, status),
      'WinHttpQueryHeaders',
    );
    if (status.value !== 101) {
      throw new WinHttpError(
        ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
        'WinHttpReceiveResponse',
        `The server answered the upgrade with status ${status.value}, not 101`,
      );
    }
    // The WebSocket inherits the request's callback: it gets the wrapper's own instead.
    WinHttpSetStatusCallback(request, null, 0, 0);
    const webSocket = check(
      WinHttpWebSocketCompleteUpgrade(request, options.context ?? 0),
      'WinHttpWebSocketCompleteUpgrade',
    );
    WinHttpCloseHandle(request);
    handles.shift();
    return new WinHttpWebSocket(webSocket, handles);
  } catch (error) {
    for (const handle of handles) WinHttpCloseHandle(handle);
    throw error;
  }
}

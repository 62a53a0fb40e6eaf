/**
 * The handle functions of the upgrade sequence: `WinHttpOpen`, `WinHttpConnect`,
 * `WinHttpOpenRequest`, `WinHttpSetStatusCallback` and `WinHttpCloseHandle`, with the names and
 * parameter order of `winhttp.h`. They never throw: a failure returns `null` or `false` and sets
 * {@link WinHttpGetLastError}.
 */
import { WINHTTP_CALLBACK_STATUS_HANDLE_CREATED } from './callback-constants.js';
import { isNode } from './default-dialer.js';
import {
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_PARAMETER,
  ERROR_NOT_SUPPORTED,
  ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
  ERROR_WINHTTP_INVALID_URL,
} from './error-codes.js';
import { type HandleState, stateOf } from './handles.js';
import { fail, failHandle, succeed } from './last-error.js';
import { notify } from './notifications.js';
import {
  WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY,
  WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
  WINHTTP_ACCESS_TYPE_NAMED_PROXY,
  WINHTTP_ACCESS_TYPE_NO_PROXY,
  WINHTTP_FLAG_ASYNC,
  WINHTTP_FLAG_SECURE,
} from './option-constants.js';
import { RequestState } from './request-handle.js';
import { ConnectState, SessionState } from './session-handle.js';
import type { HINTERNET, WINHTTP_STATUS_CALLBACK, WinHttpSessionOptions } from './types.js';

/** `WINHTTP_FLAG_SECURE_DEFAULTS` (0x30000000): forces async mode and secure defaults; accepted as async. */
const SECURE_DEFAULTS = 0x30000000;
/** The `WinHttpOpenRequest` flags accepted (and ignored but `WINHTTP_FLAG_SECURE`): escaping, refresh, chunking. */
const REQUEST_FLAGS = WINHTTP_FLAG_SECURE | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200;

/**
 * `WINHTTP_INVALID_STATUS_CALLBACK`: what `WinHttpSetStatusCallback` returns when it fails (the
 * `(WINHTTP_STATUS_CALLBACK)-1` of C). Never called.
 */
export const WINHTTP_INVALID_STATUS_CALLBACK: WINHTTP_STATUS_CALLBACK = Object.freeze(() => {});

/** Reports HANDLE_CREATED for a new handle whose parent already has a callback (it inherits it). */
function created<T extends HandleState>(state: T): HINTERNET {
  notify(state, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, state.handle, 8);
  return state.handle;
}

/**
 * `WinHttpOpen(pszAgentW, dwAccessType, pszProxyW, pszProxyBypassW, dwFlags)`: a session handle.
 *
 * `dwFlags` must include `WINHTTP_FLAG_ASYNC`: JavaScript cannot block, so synchronous sessions are
 * not supported (`ERROR_NOT_SUPPORTED`); the Promise layer gives the same sequential model. Access
 * types other than a named proxy connect directly; `WINHTTP_ACCESS_TYPE_NAMED_PROXY` fails with
 * `ERROR_NOT_SUPPORTED`. `options.dialer` connects to servers (default: `@wskit/node`'s on Node;
 * elsewhere one is required, else `ERROR_NOT_SUPPORTED`); `options.tls` goes to the dialer.
 */
export function WinHttpOpen(
  pszAgentW: string | null,
  dwAccessType: number,
  pszProxyW: string | null,
  pszProxyBypassW: string | null,
  dwFlags: number,
  options: WinHttpSessionOptions = {},
): HINTERNET | null {
  if (pszAgentW !== null && pszAgentW !== undefined && typeof pszAgentW !== 'string') {
    return failHandle(ERROR_INVALID_PARAMETER);
  }
  if (typeof dwFlags !== 'number' || (dwFlags & ~SECURE_DEFAULTS) !== 0)
    return failHandle(ERROR_INVALID_PARAMETER);
  if ((dwFlags & WINHTTP_FLAG_ASYNC) === 0) return failHandle(ERROR_NOT_SUPPORTED);
  if (dwAccessType === WINHTTP_ACCESS_TYPE_NAMED_PROXY) return failHandle(ERROR_NOT_SUPPORTED);
  if (
    dwAccessType !== WINHTTP_ACCESS_TYPE_DEFAULT_PROXY &&
    dwAccessType !== WINHTTP_ACCESS_TYPE_NO_PROXY &&
    dwAccessType !== WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY
  ) {
    return failHandle(ERROR_INVALID_PARAMETER);
  }
  void pszProxyW;
  void pszProxyBypassW;
  if (typeof options !== 'object' || options === null) return failHandle(ERROR_INVALID_PARAMETER);
  const dialer = options.dialer;
  if (dialer !== undefined && typeof dialer !== 'function') return failHandle(ERROR_INVALID_PARAMETER);
  if (dialer === undefined && !isNode()) return failHandle(ERROR_NOT_SUPPORTED);
  return succeed(new SessionState(pszAgentW ?? null, dialer, options.tls).handle);
}

/**
 * `WinHttpConnect(hSession, pswzServerName, nServerPort, dwReserved)`: a connection handle naming
 * the server (a host name or an IP address; IPv6 with or without brackets) and the port
 * (`INTERNET_DEFAULT_PORT`: 80 or 443 by the request's `WINHTTP_FLAG_SECURE`). Nothing connects yet.
 */
export function WinHttpConnect(
  hSession: HINTERNET,
  pswzServerName: string,
  nServerPort: number,
  dwReserved = 0,
): HINTERNET | null {
  const session = stateOf(hSession);
  if (session === undefined) return failHandle(ERROR_INVALID_HANDLE);
  if (!(session instanceof SessionState)) return failHandle(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
  if (dwReserved !== 0) return failHandle(ERROR_INVALID_PARAMETER);
  if (!Number.isInteger(nServerPort) || nServerPort < 0 || nServerPort > 0xffff) {
    return failHandle(ERROR_INVALID_PARAMETER);
  }
  if (typeof pswzServerName !== 'string') return failHandle(ERROR_INVALID_PARAMETER);
  let name = pswzServerName;
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name === '' || !isServerName(name)) return failHandle(ERROR_WINHTTP_INVALID_URL);
  return succeed(created(new ConnectState(session, name, nServerPort)));
}

/** Whether `name` can be a host: no whitespace, control characters or URL delimiters. */
function isServerName(name: string): boolean {
  for (const char of name) {
    const code = char.codePointAt(0)!;
    if (code <= 0x20 || code === 0x7f || '/?#@[]\\'.includes(char)) return false;
  }
  return true;
}

/** The request target: the object name with a leading `/`, characters outside visible ASCII escaped. */
function requestTarget(objectName: string | null): string | undefined {
  const name = objectName === null || objectName === undefined || objectName === '' ? '/' : objectName;
  if (typeof name !== 'string') return undefined;
  let target = '';
  for (const char of name) {
    const code = char.codePointAt(0)!;
    target += code <= 0x20 || code >= 0x7f ? encodeURIComponent(char) : char;
  }
  return target.startsWith('/') || target === '*' ? target : `/${target}`;
}

/**
 * `WinHttpOpenRequest(hConnect, pwszVerb, pwszObjectName, pwszVersion, pwszReferrer,
 * ppwszAcceptTypes, dwFlags)`: a request handle. `pwszVerb` `null` means `GET`, `pwszVersion`
 * `null` HTTP/1.1; `WINHTTP_FLAG_SECURE` makes it a `wss:` request. The object name is escaped as
 * WinHTTP does by default (spaces and non-ASCII characters percent-encoded as UTF-8).
 */
export function WinHttpOpenRequest(
  hConnect: HINTERNET,
  pwszVerb: string | null,
  pwszObjectName: string | null,
  pwszVersion: string | null,
  pwszReferrer: string | null,
  ppwszAcceptTypes: readonly string[] | null,
  dwFlags: number,
): HINTERNET | null {
  const connect = stateOf(hConnect);
  if (connect === undefined) return failHandle(ERROR_INVALID_HANDLE);
  if (!(connect instanceof ConnectState)) return failHandle(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
  if (typeof dwFlags !== 'number' || (dwFlags & ~REQUEST_FLAGS) !== 0)
    return failHandle(ERROR_INVALID_PARAMETER);
  const verb = pwszVerb ?? 'GET';
  if (typeof verb !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(verb))
    return failHandle(ERROR_INVALID_PARAMETER);
  const target = requestTarget(pwszObjectName);
  if (target === undefined) return failHandle(ERROR_INVALID_PARAMETER);
  const versionText = pwszVersion ?? 'HTTP/1.1';
  const version = typeof versionText === 'string' ? /^HTTP\/(\d\.\d)$/i.exec(versionText)?.[1] : undefined;
  if (version === undefined) return failHandle(ERROR_INVALID_PARAMETER);
  if (pwszReferrer !== null && pwszReferrer !== undefined && typeof pwszReferrer !== 'string') {
    return failHandle(ERROR_INVALID_PARAMETER);
  }
  const acceptTypes = ppwszAcceptTypes ?? null;
  if (
    acceptTypes !== null &&
    (!Array.isArray(acceptTypes) || !acceptTypes.every((type) => typeof type === 'string'))
  ) {
    return failHandle(ERROR_INVALID_PARAMETER);
  }
  const request = new RequestState(connect, {
    verb,
    target,
    version,
    referrer: pwszReferrer ?? null,
    acceptTypes,
    secure: (dwFlags & WINHTTP_FLAG_SECURE) !== 0,
  });
  return succeed(created(request));
}

/**
 * `WinHttpSetStatusCallback(hInternet, lpfnInternetCallback, dwNotificationFlags, dwReserved)`: sets
 * the handle's callback (`null` removes it) and the statuses it wants (`WINHTTP_CALLBACK_FLAG_*`).
 * Handles created from this one later inherit both. Returns the previous callback (`null` if none),
 * or `WINHTTP_INVALID_STATUS_CALLBACK` when it fails.
 */
export function WinHttpSetStatusCallback(
  hInternet: HINTERNET,
  lpfnInternetCallback: WINHTTP_STATUS_CALLBACK | null,
  dwNotificationFlags: number,
  dwReserved = 0,
): WINHTTP_STATUS_CALLBACK | null {
  const state = stateOf(hInternet);
  if (state === undefined) {
    fail(ERROR_INVALID_HANDLE);
    return WINHTTP_INVALID_STATUS_CALLBACK;
  }
  const callback = lpfnInternetCallback ?? null;
  if (
    (callback !== null && typeof callback !== 'function') ||
    typeof dwNotificationFlags !== 'number' ||
    dwReserved !== 0
  ) {
    fail(ERROR_INVALID_PARAMETER);
    return WINHTTP_INVALID_STATUS_CALLBACK;
  }
  const previous = state.callback;
  state.callback = callback;
  state.notificationFlags = dwNotificationFlags >>> 0;
  return succeed(previous);
}

/**
 * `WinHttpCloseHandle(hInternet)`: closes any handle. Pending operations are cancelled, each with its
 * REQUEST_ERROR (`ERROR_WINHTTP_OPERATION_CANCELLED`), then HANDLE_CLOSING is the handle's last
 * callback, delivered before this returns. Closing a request after
 * `WinHttpWebSocketCompleteUpgrade` leaves the WebSocket running; closing a WebSocket ends its
 * connection (gracefully after a completed close handshake, abruptly otherwise).
 */
export function WinHttpCloseHandle(hInternet: HINTERNET): boolean {
  const state = stateOf(hInternet);
  if (state === undefined) return fail(ERROR_INVALID_HANDLE);
  state.close();
  return succeed(true);
}

/**
 * `WinHttpSetOption` and `WinHttpQueryOption` for the options this API uses. A DWORD option's value
 * is a number (with `dwBufferLength` omitted or 4) or the four little-endian bytes of C's `DWORD` in a
 * `Uint8Array`; any other size fails with `ERROR_INVALID_PARAMETER`. SetOption is synchronous, as in
 * WinHTTP's async mode too.
 */
import {
  ERROR_INSUFFICIENT_BUFFER,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_PARAMETER,
  ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
  ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
  ERROR_WINHTTP_INVALID_OPTION,
  ERROR_WINHTTP_OPTION_NOT_SETTABLE,
} from './error-codes.js';
import { type HandleSettings, type HandleState, stateOf } from './handles.js';
import { fail, succeed } from './last-error.js';
import {
  WINHTTP_OPTION_CONNECT_TIMEOUT,
  WINHTTP_OPTION_CONTEXT_VALUE,
  WINHTTP_OPTION_HANDLE_TYPE,
  WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT,
  WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,
  WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT,
  WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL,
  WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE,
  WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE,
} from './option-constants.js';
import { RequestState } from './request-handle.js';
import { SessionState } from './session-handle.js';
import type { HINTERNET, OutParameter } from './types.js';
import { WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE } from './websocket-constants.js';
import { WebSocketState } from './websocket-handle.js';

/** Which handles a DWORD setting lives on. */
type Holders = 'session+request' | 'session+request+websocket';

/** The DWORD options: the setting they hold and the handles that have it. */
const DWORD_OPTIONS: ReadonlyMap<
  number,
  { readonly setting: keyof HandleSettings; readonly holders: Holders }
> = new Map([
  [
    WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE,
    { setting: 'receiveBufferSize', holders: 'session+request' },
  ],
  [WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, { setting: 'sendBufferSize', holders: 'session+request' }],
  [
    WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT,
    { setting: 'closeTimeout', holders: 'session+request+websocket' },
  ],
  [
    WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL,
    { setting: 'keepaliveInterval', holders: 'session+request+websocket' },
  ],
  [WINHTTP_OPTION_CONNECT_TIMEOUT, { setting: 'connectTimeout', holders: 'session+request' }],
  [
    WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT,
    { setting: 'receiveResponseTimeout', holders: 'session+request' },
  ],
]);

function holds(state: HandleState, holders: Holders): boolean {
  if (state instanceof SessionState || state instanceof RequestState) return true;
  return state instanceof WebSocketState && holders === 'session+request+websocket';
}

/** A DWORD from `value` (a number, or 4 little-endian bytes) and `length`, or `undefined`. */
function readDword(value: unknown, length: number | undefined): number | undefined {
  if (typeof value === 'number') {
    if (length !== undefined && length !== 4) return undefined;
    return Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : undefined;
  }
  if (value instanceof Uint8Array) {
    const size = length ?? value.byteLength;
    if (size !== 4 || value.byteLength < 4) return undefined;
    return (value[0]! | (value[1]! << 8) | (value[2]! << 16) | (value[3]! << 24)) >>> 0;
  }
  return undefined;
}

/**
 * `WinHttpSetOption(hInternet, dwOption, lpBuffer, dwBufferLength)`:
 *
 * - `WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET` (request handles, before sending; no value): make the
 *   request a WebSocket handshake.
 * - `WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE`, `…_SEND_BUFFER_SIZE` (session and request
 *   handles, inherited by the WebSocket): DWORD bytes.
 * - `WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT`, `…_KEEPALIVE_INTERVAL` (session, request and WebSocket
 *   handles): DWORD milliseconds; a keep-alive under 15000 fails with `ERROR_INVALID_PARAMETER`.
 * - `WINHTTP_OPTION_CONNECT_TIMEOUT`, `WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT`: DWORD milliseconds.
 * - `WINHTTP_OPTION_CONTEXT_VALUE` (any handle): the context value itself, any JavaScript value.
 *
 * `ERROR_WINHTTP_INVALID_OPTION` for other options, `ERROR_WINHTTP_OPTION_NOT_SETTABLE` for
 * `WINHTTP_OPTION_HANDLE_TYPE`, `ERROR_WINHTTP_INCORRECT_HANDLE_TYPE` for the wrong handle.
 */
export function WinHttpSetOption(
  hInternet: HINTERNET,
  dwOption: number,
  lpBuffer: unknown,
  dwBufferLength?: number,
): boolean {
  const state = stateOf(hInternet);
  if (state === undefined) return fail(ERROR_INVALID_HANDLE);
  if (dwOption === WINHTTP_OPTION_CONTEXT_VALUE) {
    state.context = lpBuffer;
    return succeed(true);
  }
  if (dwOption === WINHTTP_OPTION_HANDLE_TYPE) return fail(ERROR_WINHTTP_OPTION_NOT_SETTABLE);
  if (dwOption === WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET) {
    if (!(state instanceof RequestState)) return fail(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    if (state.phase !== 'open') return fail(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    state.upgrade = true;
    return succeed(true);
  }
  const option = DWORD_OPTIONS.get(dwOption);
  if (option === undefined) return fail(ERROR_WINHTTP_INVALID_OPTION);
  if (!holds(state, option.holders)) return fail(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
  const value = readDword(lpBuffer, dwBufferLength);
  if (value === undefined) return fail(ERROR_INVALID_PARAMETER);
  if (
    dwOption === WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL &&
    value < WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE
  ) {
    return fail(ERROR_INVALID_PARAMETER);
  }
  state.settings[option.setting] = value;
  if (state instanceof WebSocketState && dwOption === WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL) {
    state.keepaliveChanged();
  }
  return succeed(true);
}

/**
 * `WinHttpQueryOption(hInternet, dwOption, lpBuffer, lpdwBufferLength)`: `lpBuffer.value` gets the
 * option's value (a number for DWORD options, the context value as it was set) and
 * `lpdwBufferLength.value` its size in bytes. A `null` `lpBuffer` asks for the size (`FALSE`,
 * `ERROR_INSUFFICIENT_BUFFER`). Options as for {@link WinHttpSetOption}, plus
 * `WINHTTP_OPTION_HANDLE_TYPE`; `WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET` is set-only.
 */
export function WinHttpQueryOption(
  hInternet: HINTERNET,
  dwOption: number,
  lpBuffer: OutParameter<unknown> | null,
  lpdwBufferLength?: OutParameter<number> | null,
): boolean {
  const state = stateOf(hInternet);
  if (state === undefined) return fail(ERROR_INVALID_HANDLE);
  let value: unknown;
  let size = 4;
  if (dwOption === WINHTTP_OPTION_CONTEXT_VALUE) {
    value = state.context;
    size = 8;
  } else if (dwOption === WINHTTP_OPTION_HANDLE_TYPE) {
    value = state.handleType;
  } else {
    const option = DWORD_OPTIONS.get(dwOption);
    if (option === undefined) return fail(ERROR_WINHTTP_INVALID_OPTION);
    if (!holds(state, option.holders)) return fail(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    value = state.settings[option.setting];
  }
  if (lpdwBufferLength) lpdwBufferLength.value = size;
  if (lpBuffer === null || lpBuffer === undefined) return fail(ERROR_INSUFFICIENT_BUFFER);
  if (typeof lpBuffer !== 'object') return fail(ERROR_INVALID_PARAMETER);
  lpBuffer.value = value;
  return succeed(true);
}

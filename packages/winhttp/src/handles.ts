/**
 * Handles: each `HINTERNET` is an opaque frozen object mapped to the state behind it. A state knows
 * its type, context value, status callback and notification mask (inherited from the parent when
 * created, as WinHTTP does), and the settings its children inherit.
 */
import type { HINTERNET, WINHTTP_STATUS_CALLBACK } from './types.js';

/** The settings a handle passes on to the handles created from it, in bytes and milliseconds. */
export interface HandleSettings {
  /** `WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE` (Wine's default, 32768: Windows' is undocumented). */
  receiveBufferSize: number;
  /** `WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE` (Wine's default, 32768). */
  sendBufferSize: number;
  /** `WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL` (30000). */
  keepaliveInterval: number;
  /** `WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT` (10000). */
  closeTimeout: number;
  /** `WINHTTP_OPTION_CONNECT_TIMEOUT` (60000; 0 waits forever). */
  connectTimeout: number;
  /** `WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT` (90000; 0 waits forever). */
  receiveResponseTimeout: number;
}

/** The settings of a new session. */
export const DefaultHandleSettings: Readonly<HandleSettings> = Object.freeze({
  receiveBufferSize: 32768,
  sendBufferSize: 32768,
  keepaliveInterval: 30000,
  closeTimeout: 10000,
  connectTimeout: 60000,
  receiveResponseTimeout: 90000,
});

const states = new WeakMap<object, HandleState>();

/** The state behind a handle: what every kind of handle has. */
export abstract class HandleState {
  /** The opaque handle given to the application. */
  readonly handle: HINTERNET;
  /** `WINHTTP_HANDLE_TYPE_*`. */
  abstract readonly handleType: number;
  /** The context value passed to the callback (`WINHTTP_OPTION_CONTEXT_VALUE`). */
  context: unknown = 0;
  /** The status callback (`WinHttpSetStatusCallback`), inherited from the parent. */
  callback: WINHTTP_STATUS_CALLBACK | null;
  /** The statuses the callback wants, inherited from the parent. */
  notificationFlags: number;
  /** The settings this handle's children inherit. */
  readonly settings: HandleSettings;
  /** `WinHttpCloseHandle` was called: the handle is invalid from then on. */
  closed = false;
  /** HANDLE_CLOSING was queued: no notification for this handle follows it. */
  notificationsEnded = false;

  /**
   * @param parent the handle this one is created from: its callback, mask and settings are inherited.
   * @param shareSettings use the parent's settings object itself (a connection handle has no settings
   *   of its own: changes on the session reach the requests opened later through it).
   */
  constructor(parent: HandleState | undefined, shareSettings = false) {
    this.handle = Object.freeze(Object.create(null)) as HINTERNET;
    this.callback = parent?.callback ?? null;
    this.notificationFlags = parent?.notificationFlags ?? 0;
    this.settings =
      shareSettings && parent !== undefined
        ? parent.settings
        : { ...(parent?.settings ?? DefaultHandleSettings) };
    states.set(this.handle, this);
  }

  /**
   * Closes the handle for `WinHttpCloseHandle`: cancels what is pending (each with its REQUEST_ERROR),
   * releases resources, then queues HANDLE_CLOSING, the handle's last notification.
   */
  abstract close(): void;
}

/** The open handle's state, or `undefined` for anything else (a closed handle, another value). */
export function stateOf(handle: unknown): HandleState | undefined {
  if (typeof handle !== 'object' || handle === null) return undefined;
  const state = states.get(handle);
  return state === undefined || state.closed ? undefined : state;
}

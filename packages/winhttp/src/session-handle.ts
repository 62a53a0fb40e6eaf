import type { Dialer } from '@wskit/transport';
import { WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING } from './callback-constants.js';
import { HandleState } from './handles.js';
import { notify } from './notifications.js';
import { WINHTTP_HANDLE_TYPE_CONNECT, WINHTTP_HANDLE_TYPE_SESSION } from './option-constants.js';

/** A `WinHttpOpen` handle: the user agent, the dialer and the TLS settings of its requests. */
export class SessionState extends HandleState {
  readonly handleType = WINHTTP_HANDLE_TYPE_SESSION;
  /** `pszAgentW`: the `User-Agent` of its requests, when not `null`. */
  readonly agent: string | null;
  /** The dialer given to `WinHttpOpen`, or `undefined` for the default. */
  readonly dialer: Dialer | undefined;
  /** The TLS settings handed to the dialer. */
  readonly tls: unknown;

  constructor(agent: string | null, dialer: Dialer | undefined, tls: unknown) {
    super(undefined);
    this.agent = agent;
    this.dialer = dialer;
    this.tls = tls;
  }

  close(): void {
    this.closed = true;
    notify(this, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, this.handle, 8);
  }
}

/** A `WinHttpConnect` handle: the server its requests go to. */
export class ConnectState extends HandleState {
  readonly handleType = WINHTTP_HANDLE_TYPE_CONNECT;
  /** The session it belongs to (kept even after the session handle is closed). */
  readonly session: SessionState;
  /** The server name, an IPv6 literal without brackets. */
  readonly serverName: string;
  /** The port, 0 for the scheme's default. */
  readonly port: number;

  constructor(session: SessionState, serverName: string, port: number) {
    super(session, true);
    this.session = session;
    this.serverName = serverName;
    this.port = port;
  }

  close(): void {
    this.closed = true;
    notify(this, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, this.handle, 8);
  }
}

/**
 * A `WinHttpOpenRequest` handle: the upgrade request, its asynchronous `WinHttpSendRequest` (dial
 * with the session's dialer, write the request) and `WinHttpReceiveResponse` (read the response
 * head), then the transport handed to `WinHttpWebSocketCompleteUpgrade`.
 */
import { HeaderList, HeadParser, type ResponseHead } from '@wskit/handshake';
import type { Dialer } from '@wskit/transport';
import { beginHandshake, type HandshakeTransport, type Transport } from '@wskit/transport';
import {
  API_RECEIVE_RESPONSE,
  API_SEND_REQUEST,
  WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER,
  WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER,
  WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING,
  WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
  WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
  WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED,
  WINHTTP_CALLBACK_STATUS_SECURE_FAILURE,
  WINHTTP_CALLBACK_STATUS_SENDING_REQUEST,
  WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
} from './callback-constants.js';
import { isNode, loadNodeDialer } from './default-dialer.js';
import { dialFailure } from './dial-failure.js';
import {
  ERROR_NOT_ENOUGH_MEMORY,
  ERROR_NOT_SUPPORTED,
  ERROR_WINHTTP_CONNECTION_ERROR,
  ERROR_WINHTTP_INTERNAL_ERROR,
  ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
  ERROR_WINHTTP_OPERATION_CANCELLED,
  ERROR_WINHTTP_TIMEOUT,
} from './error-codes.js';
import { HandleState } from './handles.js';
import { notify } from './notifications.js';
import {
  INTERNET_DEFAULT_HTTP_PORT,
  INTERNET_DEFAULT_HTTPS_PORT,
  WINHTTP_HANDLE_TYPE_REQUEST,
} from './option-constants.js';
import type { QueryableHead } from './query-headers.js';
import type { ConnectState } from './session-handle.js';
import { buildUpgradeRequest, isValidUpgradeResponse, type UpgradeRequest } from './upgrade-request.js';

/** Where a request is in the upgrade sequence. */
export type RequestPhase = 'open' | 'sending' | 'sent' | 'receiving' | 'received' | 'upgraded' | 'failed';

/** The smallest WebSocket send buffer: below it `WinHttpSendRequest` fails (observed by Wine's tests on Windows). */
export const MIN_SEND_BUFFER_SIZE = 16;

/** What the request line says, from `WinHttpOpenRequest`. */
export interface RequestLine {
  readonly verb: string;
  readonly target: string;
  readonly version: string;
  readonly referrer: string | null;
  readonly acceptTypes: readonly string[] | null;
  readonly secure: boolean;
}

/** The response head as read: done, or the error that ended the read. */
type ReadResult =
  | { readonly ok: true; readonly head: ResponseHead; readonly rest: Uint8Array; readonly bytes: number }
  | { readonly ok: false; readonly error: number };

/** The state behind a request handle. */
export class RequestState extends HandleState {
  readonly handleType = WINHTTP_HANDLE_TYPE_REQUEST;
  readonly connect: ConnectState;
  readonly line: RequestLine;
  /** The application's headers, until the request is sent. */
  headers = new HeaderList();
  /** `WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET` was set. */
  upgrade = false;
  phase: RequestPhase = 'open';
  /** The request as written, once sent. */
  request: UpgradeRequest | undefined;
  /** The response head, once `WinHttpReceiveResponse` completed. */
  response: ResponseHead | undefined;
  /** Whether `WinHttpWebSocketCompleteUpgrade` already made a WebSocket of this request. */
  upgraded = false;

  #handshake: HandshakeTransport | undefined;
  #read: ReadResult | undefined;
  #dialAbort: AbortController | undefined;
  #responseTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(connect: ConnectState, line: RequestLine) {
    super(connect);
    this.connect = connect;
    this.line = line;
  }

  /** The port to dial and to name in `Host`. */
  get port(): number {
    if (this.connect.port !== 0) return this.connect.port;
    return this.line.secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
  }

  /** The `Host` header value: the server name (IPv6 in brackets) and the port when not the default. */
  get hostHeader(): string {
    const name = this.connect.serverName.includes(':')
      ? `[${this.connect.serverName}]`
      : this.connect.serverName;
    const defaultPort = this.line.secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
    return this.port === defaultPort ? name : `${name}:${this.port}`;
  }

  /** The request or response head for `WinHttpQueryHeaders`, when there is one. */
  queryable(requestHeaders: boolean): QueryableHead | undefined {
    if (requestHeaders) {
      if (this.request !== undefined) {
        const startLine = `${this.line.verb} ${this.line.target} HTTP/${this.line.version}`;
        return { version: this.line.version, startLine, headers: this.request.headers };
      }
      return { version: this.line.version, startLine: '', headers: this.headers };
    }
    const response = this.response;
    if (response === undefined) return undefined;
    const startLine = `HTTP/${response.version} ${response.status}${response.reason ? ` ${response.reason}` : ''}`;
    return {
      version: response.version,
      startLine,
      status: response.status,
      reason: response.reason,
      headers: response.headers,
    };
  }

  // ---- WinHttpSendRequest ---------------------------------------------------------------------

  /** Starts sending (the phase is `open`, checked by the caller); the outcome is a callback. */
  startSending(): void {
    this.phase = 'sending';
    void this.#send().catch(() => this.#failSend(ERROR_WINHTTP_INTERNAL_ERROR));
  }

  async #send(): Promise<void> {
    await Promise.resolve(); // WinHttpSendRequest has returned TRUE before anything is reported
    if (this.closed) return;
    if (this.settings.sendBufferSize < MIN_SEND_BUFFER_SIZE) {
      this.#failSend(ERROR_NOT_ENOUGH_MEMORY);
      return;
    }
    let request: UpgradeRequest;
    try {
      request = buildUpgradeRequest({
        verb: this.line.verb,
        target: this.line.target,
        version: this.line.version,
        host: this.hostHeader,
        agent: this.connect.session.agent,
        referrer: this.line.referrer,
        acceptTypes: this.line.acceptTypes,
        headers: this.headers,
      });
    } catch {
      this.#failSend(ERROR_WINHTTP_INTERNAL_ERROR);
      return;
    }
    const host = this.connect.serverName;
    notify(this, WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, host, (host.length + 1) * 2);
    if (this.closed) return;
    const transport = await this.#dial();
    if (transport === undefined) return;
    if (this.closed) {
      transport.abort();
      return;
    }
    const handshake = beginHandshake(transport);
    this.#handshake = handshake;
    const address = transport.remoteAddress ?? `${host}:${this.port}`;
    notify(this, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, address, (address.length + 1) * 2);
    if (this.closed) return;
    notify(this, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST);
    if (this.closed) return;
    this.request = request;
    handshake.write([request.bytes]);
    void this.#readHead(handshake);
    notify(this, WINHTTP_CALLBACK_STATUS_REQUEST_SENT, request.bytes.length, 4);
    if (this.closed) return;
    this.phase = 'sent';
    notify(this, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
  }

  /** Connects through the dialer within the connect timeout; reports a failure and resolves `undefined`. */
  async #dial(): Promise<Transport | undefined> {
    const session = this.connect.session;
    const abort = new AbortController();
    this.#dialAbort = abort;
    const timeout = this.settings.connectTimeout;
    const timer =
      timeout === 0 || timeout >= 0xffffffff
        ? undefined
        : setTimeout(() => abort.abort(new DialTimeout()), timeout);
    let aborted: (reason: unknown) => void = () => {};
    const abortion = new Promise<never>((_, reject) => {
      aborted = reject;
    });
    const onAbort = (): void => aborted(abort.signal.reason);
    abort.signal.addEventListener('abort', onAbort, { once: true });
    let dialing: Promise<Transport> | undefined;
    try {
      // Without a dialer of its own, a session on Node uses @wskit/node's (an optional peer).
      const dialer: Dialer | undefined = session.dialer ?? (await loadNodeDialer().catch(() => undefined));
      if (dialer === undefined) {
        this.#failSend(ERROR_NOT_SUPPORTED);
        return undefined;
      }
      dialing = dialer({
        host: this.connect.serverName,
        port: this.port,
        secure: this.line.secure,
        servername: this.connect.serverName,
        signal: abort.signal,
        tls: session.tls,
      });
      return await Promise.race([dialing, abortion]);
    } catch (error) {
      // A dial that completes after the abort still hands over a transport: drop it.
      void dialing?.then((late) => late.abort()).catch(() => {});
      if (this.closed) return undefined;
      if (error instanceof DialTimeout) {
        this.#failSend(ERROR_WINHTTP_TIMEOUT);
        return undefined;
      }
      const failure = dialFailure(error, this.line.secure);
      if (failure.secureFlags !== undefined) {
        notify(this, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, failure.secureFlags, 4);
      }
      this.#failSend(failure.error);
      return undefined;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      abort.signal.removeEventListener('abort', onAbort);
      this.#dialAbort = undefined;
    }
  }

  #failSend(error: number): void {
    if (this.closed || this.phase !== 'sending') return;
    this.phase = 'failed';
    this.#handshake?.abort();
    notify(this, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, { dwResult: API_SEND_REQUEST, dwError: error }, 16);
  }

  // ---- the response head ----------------------------------------------------------------------

  /**
   * Reads the response head as it arrives (also before `WinHttpReceiveResponse`); the bytes after it
   * stay in the handshake transport for the WebSocket.
   */
  async #readHead(handshake: HandshakeTransport): Promise<void> {
    const parser = new HeadParser('response');
    let bytes = 0;
    try {
      for (;;) {
        const chunk = await handshake.read();
        if (chunk === undefined) {
          this.#finishRead({ ok: false, error: ERROR_WINHTTP_INVALID_SERVER_RESPONSE });
          return;
        }
        bytes += chunk.length;
        const result = parser.write(chunk);
        if (!result.done) continue;
        if (!result.ok) {
          this.#finishRead({ ok: false, error: ERROR_WINHTTP_INVALID_SERVER_RESPONSE });
          return;
        }
        this.#finishRead({
          ok: true,
          head: result.head,
          rest: result.rest,
          bytes: bytes - result.rest.length,
        });
        return;
      }
    } catch {
      this.#finishRead({ ok: false, error: ERROR_WINHTTP_CONNECTION_ERROR });
    }
  }

  #finishRead(result: ReadResult): void {
    if (this.#read !== undefined) return;
    this.#read = result;
    if (this.phase === 'receiving') this.#completeReceive();
  }

  // ---- WinHttpReceiveResponse -----------------------------------------------------------------

  /** Starts waiting for the response head (the phase is `sent`, checked by the caller). */
  startReceiving(): void {
    this.phase = 'receiving';
    queueMicrotask(() => {
      if (this.closed || this.phase !== 'receiving') return;
      notify(this, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE);
      if (this.closed || this.phase !== 'receiving') return;
      if (this.#read !== undefined) {
        this.#completeReceive();
        return;
      }
      const timeout = this.settings.receiveResponseTimeout;
      if (timeout !== 0 && timeout < 0xffffffff) {
        this.#responseTimer = setTimeout(() => {
          this.#responseTimer = undefined;
          this.#read ??= { ok: false, error: ERROR_WINHTTP_TIMEOUT };
          this.#handshake?.abort();
          this.#completeReceive();
        }, timeout);
      }
    });
  }

  #completeReceive(): void {
    if (this.closed || this.phase !== 'receiving') return;
    if (this.#responseTimer !== undefined) clearTimeout(this.#responseTimer);
    this.#responseTimer = undefined;
    const read = this.#read!;
    if (!read.ok) {
      this.#failReceive(read.error);
      return;
    }
    notify(this, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, read.bytes, 4);
    if (this.closed) return;
    if (this.upgrade && read.head.status === 101 && !isValidUpgradeResponse(read.head, this.request!)) {
      this.#failReceive(ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
      return;
    }
    this.response = read.head;
    this.phase = 'received';
    notify(this, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE);
  }

  #failReceive(error: number): void {
    this.phase = 'failed';
    this.#handshake?.abort();
    notify(
      this,
      WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
      { dwResult: API_RECEIVE_RESPONSE, dwError: error },
      16,
    );
  }

  // ---- WinHttpWebSocketCompleteUpgrade and WinHttpCloseHandle --------------------------------

  /**
   * Hands the connection over to a new WebSocket: the transport, not started, and the bytes that came
   * right behind the response head.
   */
  takeTransport(): { transport: Transport; earlyData: Uint8Array } {
    const read = this.#read as Extract<ReadResult, { ok: true }>;
    this.phase = 'upgraded';
    this.upgraded = true;
    return { transport: this.#handshake!.handOver(), earlyData: read.rest };
  }

  close(): void {
    this.closed = true;
    if (this.#responseTimer !== undefined) clearTimeout(this.#responseTimer);
    this.#responseTimer = undefined;
    const cancelled = { dwError: ERROR_WINHTTP_OPERATION_CANCELLED };
    if (this.phase === 'sending') {
      this.#dialAbort?.abort();
      notify(this, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, { dwResult: API_SEND_REQUEST, ...cancelled }, 16);
    } else if (this.phase === 'receiving') {
      notify(
        this,
        WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
        { dwResult: API_RECEIVE_RESPONSE, ...cancelled },
        16,
      );
    }
    if (this.phase !== 'upgraded') this.#handshake?.abort();
    this.phase = 'failed';
    notify(this, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, this.handle, 8);
  }
}

/** The reason the connect timeout aborts a dial with. */
class DialTimeout extends Error {
  override readonly name = 'TimeoutError';
}

/** Whether a session may be created without a dialer: only on Node, where `@wskit/node` is the default. */
export function hasDefaultDialer(): boolean {
  return isNode();
}

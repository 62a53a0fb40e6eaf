/**
 * Microsoft's WinHTTP WebSocket sample (Windows-classic-samples, `Samples/WinhttpWebsocket`), call
 * for call, on @wskit/winhttp. The original runs WinHTTP in synchronous mode; JavaScript cannot
 * block, so this runs the same calls in callback mode (`WINHTTP_FLAG_ASYNC`) and waits for each
 * completion before the next call. Every callback is printed, with the `{ dwBytesTransferred,
 * eBufferType }` of send and receive completions.
 */
import {
  type HINTERNET,
  INTERNET_DEFAULT_PORT,
  WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
  type WINHTTP_ASYNC_RESULT,
  WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS,
  WINHTTP_CALLBACK_FLAG_HANDLES,
  WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
  WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING,
  WINHTTP_CALLBACK_STATUS_HANDLE_CREATED,
  WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
  WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
  WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE,
  WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
  WINHTTP_FLAG_ASYNC,
  WINHTTP_FLAG_SECURE,
  WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,
  WINHTTP_QUERY_FLAG_NUMBER,
  WINHTTP_QUERY_STATUS_CODE,
  type WINHTTP_WEB_SOCKET_ASYNC_RESULT,
  WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  type WINHTTP_WEB_SOCKET_STATUS,
  WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS,
  WinHttpCloseHandle,
  WinHttpConnect,
  WinHttpGetLastError,
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

/** Where the sample connects, and how it reports. */
export interface SampleOptions {
  /** A `ws:` or `wss:` URL. */
  readonly url: URL;
  /** TLS settings for `wss:` (e.g. `{ ca }`), handed to the dialer. */
  readonly tls?: unknown;
  /** The size of each receive: smaller than the 24-byte message, so the echo arrives in pieces. */
  readonly receiveSize?: number;
  /** Prints one line. */
  readonly print: (line: string) => void;
}

/** The names of the statuses the sample can see. */
const STATUS_NAMES: Record<number, string> = {
  [WINHTTP_CALLBACK_STATUS_HANDLE_CREATED]: 'WINHTTP_CALLBACK_STATUS_HANDLE_CREATED',
  [WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING]: 'WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING',
  [WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE]: 'WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE',
  [WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE]: 'WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE',
  [WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE]: 'WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE',
  [WINHTTP_CALLBACK_STATUS_READ_COMPLETE]: 'WINHTTP_CALLBACK_STATUS_READ_COMPLETE',
  [WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE]: 'WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE',
  [WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE]: 'WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE',
  [WINHTTP_CALLBACK_STATUS_REQUEST_ERROR]: 'WINHTTP_CALLBACK_STATUS_REQUEST_ERROR',
};

/** A failed call: the error code the sample prints ("Application failed with error: N"). */
export class SampleError extends Error {
  readonly code: number;
  constructor(code: number, operation: string) {
    super(`${operation} failed with error ${code}`);
    this.code = code;
  }
}

/** `L"Hello world"` with its terminating NUL, as the sample sends it: UTF-16LE, 24 bytes. */
function helloWorld(): Uint8Array {
  const text = 'Hello world\0';
  const bytes = new Uint8Array(text.length * 2);
  for (let index = 0; index < text.length; index++) bytes[index * 2] = text.charCodeAt(index);
  return bytes;
}

/** UTF-16LE up to the first NUL (`%.*s` of a `WCHAR*`). */
function utf16(bytes: Uint8Array): string {
  let text = '';
  for (let index = 0; index + 1 < bytes.length; index += 2) {
    const code = bytes[index]! | (bytes[index + 1]! << 8);
    if (code === 0) break;
    text += String.fromCharCode(code);
  }
  return text;
}

/** One line for a callback: its status, and its information when there is some. */
function describe(status: number, information: WinHttpStatusInformation): string {
  const name = STATUS_NAMES[status] ?? `status 0x${status.toString(16)}`;
  if (status === WINHTTP_CALLBACK_STATUS_READ_COMPLETE || status === WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE) {
    const { dwBytesTransferred, eBufferType } = information as WINHTTP_WEB_SOCKET_STATUS;
    return `${name} { dwBytesTransferred: ${dwBytesTransferred}, eBufferType: ${eBufferType} }`;
  }
  if (status === WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) return `${name} ${JSON.stringify(information)}`;
  return name;
}

/** The error code of a REQUEST_ERROR's information (request or WebSocket form). */
function errorOf(information: WinHttpStatusInformation): number {
  const result = information as Partial<WINHTTP_ASYNC_RESULT & WINHTTP_WEB_SOCKET_ASYNC_RESULT>;
  return result.AsyncResult?.dwError ?? result.dwError ?? 0;
}

/**
 * Runs the sample against the echo server at `options.url`. Resolves with the server's close status
 * and reason; rejects with a {@link SampleError}.
 */
export async function runSample(options: SampleOptions): Promise<{ status: number; reason: string }> {
  const { url, print } = options;
  const secure = url.protocol === 'wss:';
  let waiting:
    | {
        status: number;
        resolve: (information: WinHttpStatusInformation) => void;
        reject: (error: Error) => void;
      }
    | undefined;
  const callback = (
    _handle: HINTERNET,
    _context: unknown,
    status: number,
    information: WinHttpStatusInformation,
  ) => {
    print(describe(status, information));
    const waiter = waiting;
    if (waiter === undefined) return;
    if (status === waiter.status) {
      waiting = undefined;
      waiter.resolve(information);
    } else if (status === WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
      waiting = undefined;
      waiter.reject(new SampleError(errorOf(information), STATUS_NAMES[waiter.status] ?? 'operation'));
    }
  };
  /** Calls `start` and waits for `status`: what the synchronous sample's call does in one step. */
  const complete = (status: number, operation: string, start: () => boolean | number) =>
    new Promise<WinHttpStatusInformation>((resolve, reject) => {
      waiting = { status, resolve, reject };
      const result = start();
      if (result === false || (typeof result === 'number' && result !== 0)) {
        waiting = undefined;
        reject(new SampleError(result === false ? WinHttpGetLastError() : result, operation));
      }
    });
  const check = <T>(value: T | null | false, operation: string): T => {
    if (value === null || value === false) throw new SampleError(WinHttpGetLastError(), operation);
    return value;
  };

  let session: HINTERNET | null = null;
  let connection: HINTERNET | null = null;
  let request: HINTERNET | null = null;
  let webSocket: HINTERNET | null = null;
  try {
    // Create session, connection and request handles.
    session = check(
      WinHttpOpen('WebSocket sample', WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, null, null, WINHTTP_FLAG_ASYNC, {
        tls: options.tls,
      }),
      'WinHttpOpen',
    );
    WinHttpSetStatusCallback(
      session,
      callback,
      WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_FLAG_HANDLES,
      0,
    );
    const port = url.port === '' ? INTERNET_DEFAULT_PORT : Number(url.port);
    connection = check(WinHttpConnect(session, url.hostname, port, 0), 'WinHttpConnect');
    request = check(
      WinHttpOpenRequest(
        connection,
        'GET',
        `${url.pathname}${url.search}`,
        null,
        null,
        null,
        secure ? WINHTTP_FLAG_SECURE : 0,
      ),
      'WinHttpOpenRequest',
    );

    // Request protocol upgrade from http to websocket.
    check(WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, null, 0), 'WinHttpSetOption');

    // Perform websocket handshake by sending a request and receiving server's response.
    const upgrading = request;
    await complete(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 'WinHttpSendRequest', () =>
      WinHttpSendRequest(upgrading, null, 0, null, 0, 0, 0),
    );
    await complete(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, 'WinHttpReceiveResponse', () =>
      WinHttpReceiveResponse(upgrading, null),
    );

    // The application checks the HTTP status code: WinHttpWebSocketCompleteUpgrade fails for anything but 101.
    const statusCode = { value: 0 as string | number };
    check(
      WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, null, statusCode),
      'WinHttpQueryHeaders',
    );
    print(`The server answered with HTTP status ${statusCode.value}`);
    webSocket = check(WinHttpWebSocketCompleteUpgrade(request, 0), 'WinHttpWebSocketCompleteUpgrade');

    // The request handle is not needed anymore. From now on we will use the websocket handle.
    WinHttpCloseHandle(request);
    request = null;
    print('Successfully upgraded to websocket protocol');

    // Send and receive data on the websocket protocol.
    const open = webSocket;
    const message = helloWorld();
    await complete(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, 'WinHttpWebSocketSend', () =>
      WinHttpWebSocketSend(open, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, message.length),
    );
    print(`Sent message to the server: '${utf16(message)}'`);

    const buffer = new Uint8Array(1024);
    const receiveSize = options.receiveSize ?? 10;
    let offset = 0;
    let bufferType: number;
    do {
      // If we receive just part of the message, restart the receive operation.
      const piece = buffer.subarray(offset);
      if (piece.length === 0) throw new SampleError(8, 'WinHttpWebSocketReceive'); // ERROR_NOT_ENOUGH_MEMORY
      const read = (await complete(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, 'WinHttpWebSocketReceive', () =>
        WinHttpWebSocketReceive(open, piece, Math.min(receiveSize, piece.length)),
      )) as WINHTTP_WEB_SOCKET_STATUS;
      offset += read.dwBytesTransferred;
      bufferType = read.eBufferType;
    } while (bufferType === WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE);

    // We expected the server just to echo a single binary message.
    if (bufferType !== WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE) {
      print('Unexpected buffer type');
      throw new SampleError(87, 'WinHttpWebSocketReceive'); // ERROR_INVALID_PARAMETER
    }
    print(`Received message from the server: '${utf16(buffer.subarray(0, offset))}'`);

    // Gracefully close the connection.
    await complete(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, 'WinHttpWebSocketClose', () =>
      WinHttpWebSocketClose(open, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, null, 0),
    );

    // Check the close status returned by the server.
    const status = { value: 0 };
    const reason = new Uint8Array(123);
    const reasonLength = { value: 0 };
    const error = WinHttpWebSocketQueryCloseStatus(open, status, reason, reason.length, reasonLength);
    if (error !== 0) throw new SampleError(error, 'WinHttpWebSocketQueryCloseStatus');
    const reasonText = new TextDecoder().decode(reason.subarray(0, reasonLength.value));
    print(`The server closed the connection with status code: '${status.value}' and reason: '${reasonText}'`);
    return { status: status.value, reason: reasonText };
  } finally {
    for (const handle of [request, webSocket, connection, session])
      if (handle !== null) WinHttpCloseHandle(handle);
  }
}

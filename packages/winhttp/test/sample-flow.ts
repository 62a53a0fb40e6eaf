/**
 * The flow of Microsoft's WinHTTP WebSocket sample (Windows-classic-samples,
 * `Samples/WinhttpWebsocket/cpp/WinhttpWebsocket.cpp`) in callback mode: open, upgrade, send
 * "Hello world" as a binary message, receive the echo into a buffer smaller than the message,
 * close, query the close status. Runtime-neutral (no Node APIs): vitest, `bun test` and a Worker
 * in workerd run the same function, each with its runtime's dialer.
 */
import {
  type Dialer,
  type HINTERNET,
  WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
  WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS,
  WINHTTP_CALLBACK_FLAG_HANDLES,
  WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
  WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
  WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
  WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
  WINHTTP_FLAG_ASYNC,
  WINHTTP_FLAG_SECURE,
  WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,
  WINHTTP_QUERY_FLAG_NUMBER,
  WINHTTP_QUERY_STATUS_CODE,
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

/** Where the sample connects and how. */
export interface SampleOptions {
  readonly host: string;
  readonly port: number;
  readonly path?: string;
  readonly secure?: boolean;
  readonly dialer?: Dialer;
  readonly tls?: unknown;
  /** The receive buffer's size: smaller than the message (24 bytes), so it arrives in pieces. */
  readonly receiveBufferSize?: number;
}

/** What the sample saw. */
export interface SampleTranscript {
  /** Each completion: its status name and information. */
  readonly completions: { status: string; information: WinHttpStatusInformation }[];
  readonly sent: string;
  readonly received: string;
  readonly closeStatus: number;
  readonly closeReason: string;
}

const NAMES: Record<number, string> = {
  [WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE]: 'SENDREQUEST_COMPLETE',
  [WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE]: 'HEADERS_AVAILABLE',
  [WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE]: 'WRITE_COMPLETE',
  [WINHTTP_CALLBACK_STATUS_READ_COMPLETE]: 'READ_COMPLETE',
  [WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE]: 'CLOSE_COMPLETE',
  [WINHTTP_CALLBACK_STATUS_REQUEST_ERROR]: 'REQUEST_ERROR',
};

/** `L"Hello world"` with its NUL, as the sample sends it: UTF-16LE, 24 bytes. */
export function helloWorld(): Uint8Array {
  const text = 'Hello world\0';
  const bytes = new Uint8Array(text.length * 2);
  for (let index = 0; index < text.length; index++) bytes[index * 2] = text.charCodeAt(index);
  return bytes;
}

function utf16(bytes: Uint8Array): string {
  let text = '';
  for (let index = 0; index + 1 < bytes.length; index += 2) {
    const code = bytes[index]! | (bytes[index + 1]! << 8);
    if (code === 0) break;
    text += String.fromCharCode(code);
  }
  return text;
}

/** Runs the sample against a WebSocket echo server. Rejects with the error code, as the sample prints it. */
export async function runSample(options: SampleOptions): Promise<SampleTranscript> {
  const completions: SampleTranscript['completions'] = [];
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
    const name = NAMES[status];
    if (name === undefined) return;
    completions.push({ status: name, information });
    const waiter = waiting;
    if (waiter === undefined) return;
    if (status === waiter.status) {
      waiting = undefined;
      waiter.resolve(information);
    } else if (status === WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
      waiting = undefined;
      waiter.reject(new Error(`REQUEST_ERROR ${JSON.stringify(information)}`));
    }
  };
  /** Starts an operation and waits for its completion (the sample's synchronous call, in async mode). */
  const complete = (status: number, start: () => boolean | number): Promise<WinHttpStatusInformation> =>
    new Promise((resolve, reject) => {
      waiting = { status, resolve, reject };
      const result = start();
      if (result === false || (typeof result === 'number' && result !== 0)) {
        waiting = undefined;
        reject(new Error(`failed with error ${result === false ? WinHttpGetLastError() : result}`));
      }
    });
  const fail = (operation: string): never => {
    throw new Error(`${operation} failed with error ${WinHttpGetLastError()}`);
  };

  const handles: HINTERNET[] = [];
  try {
    const session =
      WinHttpOpen('WebSocket sample', WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, null, null, WINHTTP_FLAG_ASYNC, {
        ...(options.dialer === undefined ? {} : { dialer: options.dialer }),
        tls: options.tls,
      }) ?? fail('WinHttpOpen');
    handles.push(session);
    WinHttpSetStatusCallback(
      session,
      callback,
      WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_FLAG_HANDLES,
      0,
    );
    const connection = WinHttpConnect(session, options.host, options.port, 0) ?? fail('WinHttpConnect');
    handles.push(connection);
    const request =
      WinHttpOpenRequest(
        connection,
        'GET',
        options.path ?? '/',
        null,
        null,
        null,
        options.secure ? WINHTTP_FLAG_SECURE : 0,
      ) ?? fail('WinHttpOpenRequest');
    handles.push(request);
    if (!WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, null, 0)) fail('WinHttpSetOption');
    await complete(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, () =>
      WinHttpSendRequest(request, null, 0, null, 0, 0, 0),
    );
    await complete(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, () => WinHttpReceiveResponse(request, null));
    const status = { value: 0 as string | number };
    if (!WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, null, status)) {
      fail('WinHttpQueryHeaders');
    }
    if (status.value !== 101) throw new Error(`The server answered with status ${status.value}`);
    const webSocket = WinHttpWebSocketCompleteUpgrade(request, 0) ?? fail('WinHttpWebSocketCompleteUpgrade');
    handles.push(webSocket);
    // The request handle is not needed any more: from now on the WebSocket handle is used.
    WinHttpCloseHandle(request);
    handles.splice(handles.indexOf(request), 1);

    const message = helloWorld();
    await complete(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, () =>
      WinHttpWebSocketSend(webSocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, message.length),
    );
    const buffer = new Uint8Array(1024);
    const pieceSize = options.receiveBufferSize ?? 10;
    let offset = 0;
    let bufferType: number;
    do {
      const piece = buffer.subarray(offset);
      const read = (await complete(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, () =>
        WinHttpWebSocketReceive(webSocket, piece, Math.min(pieceSize, piece.length)),
      )) as WINHTTP_WEB_SOCKET_STATUS;
      offset += read.dwBytesTransferred;
      bufferType = read.eBufferType;
    } while (bufferType === WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE);
    if (bufferType !== WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE)
      throw new Error('Unexpected buffer type');

    await complete(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, () =>
      WinHttpWebSocketClose(webSocket, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, null, 0),
    );
    const closeStatus = { value: 0 };
    const reason = new Uint8Array(123);
    const reasonLength = { value: 0 };
    const error = WinHttpWebSocketQueryCloseStatus(
      webSocket,
      closeStatus,
      reason,
      reason.length,
      reasonLength,
    );
    if (error !== 0) throw new Error(`WinHttpWebSocketQueryCloseStatus failed with error ${error}`);
    return {
      completions,
      sent: utf16(message),
      received: utf16(buffer.subarray(0, offset)),
      closeStatus: closeStatus.value,
      closeReason: new TextDecoder().decode(reason.subarray(0, reasonLength.value)),
    };
  } finally {
    for (const handle of handles.reverse()) WinHttpCloseHandle(handle);
  }
}

/** The completions the sample expects for a 24-byte echo read 10 bytes at a time. */
export const expectedCompletions: SampleTranscript['completions'] = [
  { status: 'SENDREQUEST_COMPLETE', information: null },
  { status: 'HEADERS_AVAILABLE', information: null },
  { status: 'WRITE_COMPLETE', information: { dwBytesTransferred: 24, eBufferType: 0 as const } },
  { status: 'READ_COMPLETE', information: { dwBytesTransferred: 10, eBufferType: 1 as const } },
  { status: 'READ_COMPLETE', information: { dwBytesTransferred: 10, eBufferType: 1 as const } },
  { status: 'READ_COMPLETE', information: { dwBytesTransferred: 4, eBufferType: 0 as const } },
  { status: 'CLOSE_COMPLETE', information: null },
];

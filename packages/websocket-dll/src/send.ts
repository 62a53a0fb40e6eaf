/**
 * `WebSocketSend` in terms of the engine: each buffer type becomes one engine call.
 *
 * | buffer type                   | engine call                                                      |
 * | ----------------------------- | ---------------------------------------------------------------- |
 * | `…_FRAGMENT`, none in progress | `startMessage(type, bytes)`                                     |
 * | `…_FRAGMENT`, in progress     | `continueMessage(bytes)`                                         |
 * | `…_MESSAGE`, in progress      | `endMessage(bytes)`                                              |
 * | `BINARY_MESSAGE`              | `sendBinary(bytes)`                                              |
 * | `UTF8_MESSAGE`                | `sendText(string)` (bytes that are not UTF-8: start + end frames) |
 * | `CLOSE`                       | `sendClose(status, reason)`: starts the close, or answers the peer's |
 * |                               | (the half-closed state, W9); nothing when the engine failed already |
 * | `PING_PONG`                   | `sendPing()`                                                     |
 * | `UNSOLICITED_PONG`            | `sendPong()`                                                     |
 *
 * Data longer than `maxFramePayload` (a client's send buffer, less the frame header) goes out as
 * several frames of at most that payload, through `startMessage` / `continueMessage` /
 * `endMessage`: each masked frame fits the send buffer, and an automatic pong can go between them.
 */
import type { Connection } from '@wskit/protocol';
import {
  WEB_SOCKET_BUFFER_TYPE as BufferType,
  WEB_SOCKET_CLOSE_STATUS as CloseStatus,
  E_INVALID_PROTOCOL_OPERATION,
  E_INVALIDARG,
  WEB_SOCKET_MAX_CLOSE_REASON_LENGTH,
} from './constants.js';
import type { WEB_SOCKET_BUFFER } from './types.js';

/** What the handle keeps between sends. */
export interface SendState {
  /** The message being sent in fragments, if any. */
  readonly sending: 'text' | 'binary' | undefined;
  /** Whether the application's CLOSE was sent. */
  readonly closeSent: boolean;
}

const EMPTY = new Uint8Array(0);
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes of a data buffer (`undefined` for an empty message), or `undefined` when it is not one. */
function dataOf(buffer: unknown): Uint8Array | undefined {
  if (buffer === undefined || buffer === null) return EMPTY;
  const data = (buffer as WEB_SOCKET_BUFFER).data;
  return data instanceof Uint8Array ? data : undefined;
}

/** The UTF-8 text of `bytes`, or `undefined` when they are not UTF-8. */
function decodeText(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Hands one send to the engine. Returns an HRESULT for an invalid request (nothing sent), or the
 * new state. Throws what the engine throws (`ProtocolUsageError` for a send its state forbids,
 * `RangeError` for a close status that may not be sent); the caller maps those to HRESULTs.
 */
export function sendToEngine(
  engine: Connection,
  bufferType: unknown,
  buffer: unknown,
  state: SendState,
  maxFramePayload: number,
): number | SendState {
  switch (bufferType) {
    case BufferType.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE:
    case BufferType.WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE:
    case BufferType.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE:
    case BufferType.WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE: {
      const data = dataOf(buffer);
      if (data === undefined) return E_INVALIDARG;
      const type =
        bufferType === BufferType.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE ||
        bufferType === BufferType.WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE
          ? 'text'
          : 'binary';
      const final =
        bufferType === BufferType.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE ||
        bufferType === BufferType.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
      if (state.sending !== undefined && state.sending !== type) return E_INVALID_PROTOCOL_OPERATION;
      if (data.length > maxFramePayload) {
        sendInFrames(engine, type, data, state.sending !== undefined, final, maxFramePayload);
      } else if (state.sending !== undefined) {
        if (final) engine.endMessage(data);
        else engine.continueMessage(data);
      } else if (!final) {
        engine.startMessage(type, data);
      } else if (type === 'binary') {
        engine.sendBinary(data);
      } else {
        const text = decodeText(data);
        if (text !== undefined) {
          engine.sendText(text); // valid UTF-8 round-trips to the same bytes
        } else {
          // Not UTF-8: sent as given (the peer decides), in two frames as the engine takes strings.
          engine.startMessage('text', data);
          engine.endMessage();
        }
      }
      return { sending: final ? undefined : type, closeSent: state.closeSent };
    }
    case BufferType.WEB_SOCKET_CLOSE_BUFFER_TYPE: {
      if (state.closeSent) return E_INVALID_PROTOCOL_OPERATION;
      let status: number | undefined;
      let reason = '';
      if (buffer !== undefined && buffer !== null) {
        const close = (buffer as WEB_SOCKET_BUFFER).closeStatus;
        if (typeof close !== 'object' || close === null || !Number.isInteger(close.status))
          return E_INVALIDARG;
        const bytes = close.reason ?? EMPTY;
        if (!(bytes instanceof Uint8Array) || bytes.length > WEB_SOCKET_MAX_CLOSE_REASON_LENGTH)
          return E_INVALIDARG;
        const text = decodeText(bytes);
        if (text === undefined) return E_INVALIDARG;
        if (close.status === CloseStatus.WEB_SOCKET_EMPTY_CLOSE_STATUS) {
          if (bytes.length > 0) return E_INVALIDARG; // 1005 means no status, so no reason either
        } else {
          status = close.status;
          reason = text;
        }
      }
      // After the peer's close this is the reply, with the application's status. When the engine
      // already failed the connection (its close frame is out), it completes without a second one.
      if (engine.closeSent === undefined) engine.sendClose(status, reason);
      return { sending: state.sending, closeSent: true };
    }
    case BufferType.WEB_SOCKET_PING_PONG_BUFFER_TYPE:
    case BufferType.WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE:
      if (buffer !== undefined && buffer !== null) return E_INVALIDARG; // no payload (NULL buffer)
      if (bufferType === BufferType.WEB_SOCKET_PING_PONG_BUFFER_TYPE) engine.sendPing();
      else engine.sendPong();
      return state;
    default:
      return E_INVALIDARG;
  }
}

/**
 * Sends `data` (longer than `size`) as frames of at most `size` bytes of payload: the first starts
 * the message unless one is in progress, the last ends it when `final`.
 */
function sendInFrames(
  engine: Connection,
  type: 'text' | 'binary',
  data: Uint8Array,
  inProgress: boolean,
  final: boolean,
  size: number,
): void {
  for (let at = 0; at < data.length; at += size) {
    const piece = data.subarray(at, at + size);
    const last = at + size >= data.length;
    if (at === 0 && !inProgress) engine.startMessage(type, piece);
    else if (last && final) engine.endMessage(piece);
    else engine.continueMessage(piece);
  }
}

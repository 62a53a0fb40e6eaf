/**
 * What a handle has received and not yet indicated: the engine's events (message pieces, pongs, the
 * peer's close, a protocol error) turned into `INDICATE_RECEIVE_COMPLETE` results, one per receive
 * operation, each at most the receive buffer size.
 */
import { type CodecErrorCode, isCodecError } from '@wskit/codec';
import type { ConnectionEvent } from '@wskit/protocol';
import {
  WEB_SOCKET_BUFFER_TYPE as BufferType,
  WEB_SOCKET_CLOSE_STATUS as CloseStatus,
  E_FAIL,
  E_INVALID_PROTOCOL_FORMAT,
  E_INVALID_PROTOCOL_OPERATION,
  type WEB_SOCKET_BUFFER_TYPE,
} from './constants.js';
import type { WEB_SOCKET_BUFFER } from './types.js';

/** One thing to indicate. */
type Indication =
  | { readonly kind: 'data'; readonly text: boolean; readonly data: Uint8Array; readonly final: boolean }
  | { readonly kind: 'pong'; readonly data: Uint8Array }
  | { readonly kind: 'close'; readonly status: number; readonly reason: Uint8Array | undefined }
  | { readonly kind: 'error'; readonly hr: number };

/** What one `INDICATE_RECEIVE_COMPLETE` carries. */
export interface Delivery {
  readonly bufferType: WEB_SOCKET_BUFFER_TYPE;
  readonly buffer: WEB_SOCKET_BUFFER;
  /** Whether this is the peer's close: nothing more will be received. */
  readonly close: boolean;
}

/**
 * Peer errors that are an invalid sequence of operations (a continuation with no message, a new
 * message inside a fragmented one: RFC 6455 §5.4) rather than malformed data.
 */
const OPERATION_ERRORS: ReadonlySet<CodecErrorCode> = new Set([
  'WS_ERR_UNEXPECTED_CONTINUATION',
  'WS_ERR_EXPECTED_CONTINUATION',
]);

const textEncoder = new TextEncoder();

/** A close buffer with the given status and reason (`undefined` stands for `NULL`). */
export function closeBuffer(status: number, reason?: Uint8Array): WEB_SOCKET_BUFFER {
  return Object.freeze({ closeStatus: Object.freeze({ status, reason }) });
}

/** What is received, in order. */
export class IncomingIndications {
  #queue: Indication[] = [];
  /** Whether the peer's close was queued: it is indicated once. */
  #closeQueued = false;

  /** Adds what the engine reported (`events()` after `receiveData`). */
  add(events: readonly ConnectionEvent[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'messagePiece':
          this.#queue.push({
            kind: 'data',
            text: event.messageType === 'text',
            data: event.data,
            final: event.final,
          });
          break;
        case 'pong':
          this.#queue.push({ kind: 'pong', data: event.data });
          break;
        case 'closeReceived':
          // The peer's close frame, in wire order; our reply is the application's (W9).
          this.#addClose(event.code, event.reason);
          break;
        case 'close':
          // A clean close is the peer's answer to our close (no closeReceived before it) or the
          // end of a handshake already indicated; an unclean one follows an error event.
          if (event.wasClean) this.#addClose(event.code, event.reason);
          break;
        case 'error': {
          const error = event.error;
          let hr: number = E_FAIL;
          if (isCodecError(error)) {
            hr = OPERATION_ERRORS.has(error.code) ? E_INVALID_PROTOCOL_OPERATION : E_INVALID_PROTOCOL_FORMAT;
          }
          this.#queue.push({ kind: 'error', hr });
          break;
        }
        default:
          // open; ping (answered by the engine's automatic pong); whole messages do not occur in
          // 'pieces' delivery.
          break;
      }
    }
  }

  #addClose(status: number, reason: string): void {
    if (this.#closeQueued) return;
    this.#closeQueued = true;
    this.#queue.push({
      kind: 'close',
      status,
      reason: reason === '' ? undefined : textEncoder.encode(reason),
    });
  }

  /** Whether a receive error is next: every indication before it was taken. */
  get errorFirst(): boolean {
    return this.#queue[0]?.kind === 'error';
  }

  /** The receive error at the head of the queue, removed, or `undefined` if the head is not one. */
  takeError(): number | undefined {
    const head = this.#queue[0];
    if (head?.kind !== 'error') return undefined;
    this.#queue.shift();
    return head.hr;
  }

  /**
   * The next indication, at most `limit` bytes of data, copied into `target` when given (a caller
   * buffer) or handed out as a view otherwise. A longer piece is split: its first part is a FRAGMENT
   * and the rest stays queued. `undefined` when nothing is queued.
   */
  take(limit: number, target: Uint8Array | undefined): Delivery | undefined {
    const head = this.#queue[0];
    if (head === undefined || head.kind === 'error') return undefined;
    if (head.kind === 'close') {
      this.#queue.shift();
      return {
        bufferType: BufferType.WEB_SOCKET_CLOSE_BUFFER_TYPE,
        buffer: closeBuffer(head.status, head.reason),
        close: true,
      };
    }
    const size = Math.min(limit, target?.length ?? limit, head.data.length);
    let data = head.data;
    let final = head.kind === 'pong' || head.final;
    if (size < head.data.length) {
      data = head.data.subarray(0, size);
      final = false;
      this.#queue[0] = { ...head, data: head.data.subarray(size) };
    } else {
      this.#queue.shift();
    }
    if (target !== undefined) {
      target.set(data);
      data = target.subarray(0, data.length);
    }
    let bufferType: WEB_SOCKET_BUFFER_TYPE;
    if (head.kind === 'pong') {
      bufferType = BufferType.WEB_SOCKET_PING_PONG_BUFFER_TYPE;
    } else if (head.text) {
      bufferType = final
        ? BufferType.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
        : BufferType.WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
    } else {
      bufferType = final
        ? BufferType.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE
        : BufferType.WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
    }
    return { bufferType, buffer: { data }, close: false };
  }

  /** Drops everything queued (abort). */
  clear(): void {
    this.#queue = [];
  }
}

/** The close buffer that ends a receive cancelled by a 0-byte read or by an abort: 1006, no reason. */
export const ABORTED_CLOSE: WEB_SOCKET_BUFFER = closeBuffer(CloseStatus.WEB_SOCKET_ABORTED_CLOSE_STATUS);

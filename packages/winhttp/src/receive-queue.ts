/**
 * Received message pieces waiting for `WinHttpWebSocketReceive`, read into the caller's fixed buffer
 * one buffer at a time. A read takes bytes of one message only: it is a `…_MESSAGE` when it takes the
 * message's last byte, a `…_FRAGMENT` otherwise, however the peer framed the message (a message
 * larger than the buffer arrives as fragments, then a message).
 */
import type { MessageType } from '@wskit/codec';
import {
  WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  type WINHTTP_WEB_SOCKET_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
} from './websocket-constants.js';

interface Piece {
  readonly type: MessageType;
  /** A view the engine handed over (the transport's chunk, unmasked in place). */
  readonly data: Uint8Array;
  /** Whether this piece ends its message. */
  readonly final: boolean;
}

/** What one read copied. */
export interface ReadResult {
  readonly bytes: number;
  readonly bufferType: WINHTTP_WEB_SOCKET_BUFFER_TYPE;
}

/** The received pieces not read yet, in order. */
export class ReceiveQueue {
  #pieces: Piece[] = [];
  #head = 0;
  /** Bytes of the head piece already read. */
  #offset = 0;
  #bytes = 0;

  /** Bytes waiting to be read. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether nothing waits (an empty final piece counts as something: it ends a message). */
  get isEmpty(): boolean {
    return this.#head === this.#pieces.length;
  }

  /** Adds a piece of a message. */
  push(type: MessageType, data: Uint8Array, final: boolean): void {
    if (data.length === 0 && !final) return; // carries nothing
    this.#pieces.push({ type, data, final });
    this.#bytes += data.length;
  }

  /** Drops everything (`WinHttpWebSocketClose` discards what was not received). */
  clear(): void {
    this.#pieces = [];
    this.#head = 0;
    this.#offset = 0;
    this.#bytes = 0;
  }

  /**
   * Copies up to `length` bytes of the next message into `target` (at its start), or returns
   * `undefined` when nothing waits.
   */
  read(target: Uint8Array, length: number): ReadResult | undefined {
    if (this.isEmpty) return undefined;
    const type = this.#pieces[this.#head]!.type;
    let copied = 0;
    let ended = false;
    while (!this.isEmpty) {
      const piece = this.#pieces[this.#head]!;
      const available = piece.data.length - this.#offset;
      const count = Math.min(available, length - copied);
      if (count > 0) {
        target.set(piece.data.subarray(this.#offset, this.#offset + count), copied);
        copied += count;
        this.#offset += count;
        this.#bytes -= count;
      }
      if (count < available) break; // the buffer is full
      this.#shift();
      if (piece.final) {
        ended = true;
        break;
      }
      if (copied === length) {
        // Full: an empty last piece right behind still ends the message in this read.
        const next = this.#pieces[this.#head];
        if (next?.final && next.data.length === 0) {
          this.#shift();
          ended = true;
        }
        break;
      }
    }
    return { bytes: copied, bufferType: bufferTypeOf(type, ended) };
  }

  #shift(): void {
    this.#pieces[this.#head++] = undefined as unknown as Piece;
    this.#offset = 0;
    if (this.#head === this.#pieces.length) {
      this.#pieces = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#pieces.length) {
      this.#pieces = this.#pieces.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** The WinHTTP buffer type of a read of a `type` message that ends it (`final`) or not. */
export function bufferTypeOf(type: MessageType, final: boolean): WINHTTP_WEB_SOCKET_BUFFER_TYPE {
  if (type === 'text') {
    return final ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
  }
  return final
    ? WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE
    : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
}

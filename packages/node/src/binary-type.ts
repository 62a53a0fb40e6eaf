import { Buffer } from 'node:buffer';
import {
  EncodedText,
  type MessagePiece,
  type OpenWebSocketOptions,
  WebSocket,
  type WebSocketEvents,
} from '@wskit/transport';

/**
 * How this package's sessions (from `connect` and `WebSocketServer`) hand over binary data:
 * `'nodebuffer'` (the default, as `ws` does) as `Buffer`s, views over the same memory (no copy), so
 * `data.toString()` and `'%s'` print text and Buffer methods work; `'uint8array'` as plain
 * `Uint8Array`s, as on every other runtime. Messages, message pieces, pings and pongs alike.
 */
export type NodeBinaryType = 'nodebuffer' | 'uint8array';

/** The option that picks the {@link NodeBinaryType}. */
export interface BinaryTypeOption {
  /**
   * `'nodebuffer'` (default): binary messages, pieces, pings and pongs arrive as `Buffer`s over the
   * received memory (no copy); `'uint8array'`: as plain `Uint8Array`s. Anything else throws a
   * `TypeError`.
   */
  readonly binaryType?: NodeBinaryType | undefined;
}

/** Checks the `binaryType` option; the default is `'nodebuffer'`. */
export function checkBinaryType(value: unknown): NodeBinaryType {
  if (value === undefined || value === 'nodebuffer') return 'nodebuffer';
  if (value === 'uint8array') return 'uint8array';
  throw new TypeError(`binaryType must be 'nodebuffer' or 'uint8array', not ${JSON.stringify(value)}`);
}

/** The same bytes as a `Buffer` (a view: no copy). */
function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * `@wskit/transport`'s WebSocket that delivers binary data as `Buffer` views: everything else is
 * the transport's. Events carry the view; async iteration yields it.
 */
class BufferWebSocket extends WebSocket {
  protected override emit<E extends keyof WebSocketEvents>(event: E, ...args: WebSocketEvents[E]): boolean {
    const first = args[0];
    if (event === 'message' || event === 'ping' || event === 'pong') {
      // Text kept as bytes (`decodeText: false`) stays an EncodedText, so that it is sent back as text.
      if (first instanceof Uint8Array && !(first instanceof EncodedText)) args[0] = asBuffer(first);
    } else if (event === 'messagePiece') {
      const piece = first as MessagePiece;
      args[0] = { ...piece, data: asBuffer(piece.data) };
    }
    return super.emit(event, ...args);
  }

  override [Symbol.asyncIterator](): AsyncIterableIterator<string | Uint8Array> {
    const inner = super[Symbol.asyncIterator]();
    const iterator: AsyncIterableIterator<string | Uint8Array> = {
      next: () =>
        inner.next().then((result) => {
          if (!result.done && result.value instanceof Uint8Array && !(result.value instanceof EncodedText)) {
            return { done: false, value: asBuffer(result.value) };
          }
          return result;
        }),
      return: () => inner.return!(),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}

/**
 * `openWebSocket` with this package's {@link NodeBinaryType}: a session that delivers `Buffer`s for
 * `'nodebuffer'`, the transport's own for `'uint8array'`.
 */
export function openNodeWebSocket(
  transport: ConstructorParameters<typeof WebSocket>[0],
  options: OpenWebSocketOptions,
  binaryType: NodeBinaryType,
): WebSocket {
  return binaryType === 'nodebuffer'
    ? new BufferWebSocket(transport, options)
    : new WebSocket(transport, options);
}

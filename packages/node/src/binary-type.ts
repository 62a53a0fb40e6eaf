import { Buffer } from 'node:buffer';
import type { OpenWebSocketOptions } from '@wskit/transport';

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

/**
 * The same bytes as a `Buffer` (a view: no copy): the `binaryView` that {@link binaryViewFor} gives
 * the session for `'nodebuffer'`.
 */
function asBuffer(data: Uint8Array): Uint8Array {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * The session's `binaryView` option for a {@link NodeBinaryType}: `Buffer` views for
 * `'nodebuffer'`, none (the transport's own `Uint8Array`s) for `'uint8array'`.
 */
export function binaryViewFor(binaryType: NodeBinaryType): OpenWebSocketOptions['binaryView'] {
  return binaryType === 'nodebuffer' ? asBuffer : undefined;
}

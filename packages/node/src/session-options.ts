import { Buffer, isUtf8 } from 'node:buffer';
import { pickSessionOptions as pickShared, type SessionOptions } from '@wskit/transport';

/**
 * `Buffer.allocUnsafe` memory as the codec's allocator (joins and masked frames overwrite every
 * byte, so zero-filling is wasted work), handed out as a plain `Uint8Array` so that received
 * messages are always the same type, whether they were joined or not.
 */
const allocateUnsafe = (length: number): Uint8Array => {
  const buffer = Buffer.allocUnsafe(length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
};

/**
 * The session options among `options` (the client's or the server's), with Node's native
 * `buffer.isUtf8` as the UTF-8 check and `Buffer.allocUnsafe` as the codec's allocator unless given.
 */
export function pickSessionOptions(options: SessionOptions): SessionOptions {
  return { utf8Check: isUtf8, allocate: allocateUnsafe, ...pickShared(options) };
}

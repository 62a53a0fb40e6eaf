import { isUtf8 } from 'node:buffer';
import { pickSessionOptions as pickShared, type SessionOptions } from '@wskit/transport';

/**
 * The session options among `options` (the client's or the server's), with Node's native
 * `buffer.isUtf8` as the UTF-8 check unless one is given.
 */
export function pickSessionOptions(options: SessionOptions): SessionOptions {
  return { utf8Check: isUtf8, ...pickShared(options) };
}

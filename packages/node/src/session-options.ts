import { isUtf8 } from 'node:buffer';
import type { SessionOptions } from '@wskit/transport';

/** Every key of `SessionOptions`; the compiler checks that none is missing. */
const SESSION_OPTION_KEYS = Object.keys({
  highWaterMark: true,
  maxBufferedMessages: true,
  autoPong: true,
  closeTimeout: true,
  keepaliveInterval: true,
  pongTimeout: true,
  maxFrameSize: true,
  maxMessageSize: true,
  maxFragments: true,
  delivery: true,
  validateUtf8: true,
  utf8Check: true,
  mask: true,
  enforceMasking: true,
  maskKeys: true,
} satisfies Record<keyof SessionOptions, true>) as (keyof SessionOptions)[];

/**
 * The session options among `options` (the client's or the server's), with Node's native
 * `buffer.isUtf8` as the UTF-8 check unless one is given.
 */
export function pickSessionOptions(options: SessionOptions): SessionOptions {
  const picked: Record<string, unknown> = { utf8Check: isUtf8 };
  for (const key of SESSION_OPTION_KEYS) {
    if (options[key] !== undefined) picked[key] = options[key];
  }
  return picked as SessionOptions;
}

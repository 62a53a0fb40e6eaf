import { CodecError } from '@wskit/codec';
import type { MessageStreamErrors } from './zlib-message-stream.js';

/**
 * The codec error code for corrupt compressed data: it closes the connection with 1007 (invalid
 * frame payload data, RFC 6455 §7.4.1; RFC 7692 §8).
 */
export const INVALID_COMPRESSED_DATA_CODE = 'WS_ERR_INVALID_COMPRESSED_DATA';

function describeCause(cause: unknown): string {
  return cause instanceof Error && cause.message !== '' ? `: ${cause.message}` : '';
}

/** Errors of an inflater: the peer's fault, so codec errors with their close codes (1007, 1009). */
export const inflateErrors: MessageStreamErrors = {
  zlib: (cause) =>
    Object.assign(
      new CodecError(INVALID_COMPRESSED_DATA_CODE, `Invalid compressed data${describeCause(cause)}`),
      {
        cause,
      },
    ),
  limit: (limit) =>
    new CodecError('WS_ERR_MESSAGE_TOO_LARGE', `The decompressed message is larger than ${limit} bytes`),
  closed: () => new Error('permessage-deflate: the connection is closed'),
};

/** Errors of a deflater: never the peer's fault, so plain errors (the engine closes with 1011). */
export const deflateErrors: MessageStreamErrors = {
  zlib: (cause) => new Error(`permessage-deflate: compression failed${describeCause(cause)}`, { cause }),
  limit: (limit) => new Error(`permessage-deflate: the compressed message is larger than ${limit} bytes`),
  closed: () => new Error('permessage-deflate: the connection is closed'),
};

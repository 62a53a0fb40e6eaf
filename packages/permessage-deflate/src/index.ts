/**
 * @wskit/permessage-deflate: the WebSocket compression extension of RFC 7692 for wskit. A negotiator
 * for `@wskit/handshake` (client offers and response checks, server acceptance) and a per-connection
 * extension for the `@wskit/protocol` engine, safe by default: decompression stops at the
 * connection's `maxMessageSize`, zlib work is limited across connections, small messages are sent
 * as they are. zlib comes from the runtime's `node:zlib` (Node, Bun, Workers with `nodejs_compat`),
 * looked up when permessage-deflate is created, never when the package is loaded.
 *
 * @packageDocumentation
 */
export { DefaultDeflateOptions, PERMESSAGE_DEFLATE } from './constants.js';
export type { CompressibleMessage } from './deflate-extension.js';
export {
  clientPerMessageDeflate,
  type PerMessageDeflateOption,
  serverPerMessageDeflate,
} from './option.js';
export type { PerMessageDeflateOptions } from './options.js';
export { type PerMessageDeflate, perMessageDeflate } from './per-message-deflate.js';
export type { ZlibModule, ZlibStream, ZlibStreamOptions } from './zlib-backend.js';

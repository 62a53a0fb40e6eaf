import { checkPerMessageDeflateOption as checkOption, type PerMessageDeflateOptions } from './options.js';
import { type PerMessageDeflate, perMessageDeflate } from './per-message-deflate.js';

/**
 * The `perMessageDeflate` option of the runtime adapters' clients and servers (`@wskit/node`,
 * `@wskit/bun`, `@wskit/cloudflare`): `false` (the default) leaves compression off, `true` turns it
 * on with this package's defaults, an object turns it on with those options
 * (`serverNoContextTakeover`, `clientMaxWindowBits`, `threshold`, `level`, …).
 */
export type PerMessageDeflateOption = boolean | PerMessageDeflateOptions;

/** The client's negotiator for `true`, made on first use. */
let clientDefault: PerMessageDeflate | undefined;
/** The client's negotiators per options object: connections made with one object share its zlib limiter. */
const clientNegotiators = new WeakMap<PerMessageDeflateOptions, PerMessageDeflate>();

/**
 * The permessage-deflate negotiator for a client's `perMessageDeflate` option, or `undefined` when
 * it is off. One per options object (and one for `true`), so that the connections of one client
 * configuration share it (and its `concurrencyLimit`). Throws `TypeError`/`RangeError` for a bad
 * option, and an `Error` when the runtime has no usable `node:zlib`.
 */
export function clientPerMessageDeflate(option: unknown): PerMessageDeflate | undefined {
  checkOption(option);
  if (option === undefined || option === false) return undefined;
  if (option === true) {
    clientDefault ??= perMessageDeflate();
    return clientDefault;
  }
  let negotiator = clientNegotiators.get(option);
  if (negotiator === undefined) {
    negotiator = perMessageDeflate(option);
    clientNegotiators.set(option, negotiator);
  }
  return negotiator;
}

/**
 * The permessage-deflate negotiator for a server's `perMessageDeflate` option, or `undefined` when
 * it is off: one per server, shared by its connections. Throws `TypeError`/`RangeError` for a bad
 * option, and an `Error` when the runtime has no usable `node:zlib`.
 */
export function serverPerMessageDeflate(option: unknown): PerMessageDeflate | undefined {
  checkOption(option);
  if (option === undefined || option === false) return undefined;
  return perMessageDeflate(option === true ? {} : option);
}

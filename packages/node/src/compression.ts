import type { Role } from '@wskit/codec';
import type { Extension } from '@wskit/handshake';
import {
  type PerMessageDeflate,
  type PerMessageDeflateOptions,
  perMessageDeflate,
} from '@wskit/permessage-deflate';
import type { ConnectionExtension } from '@wskit/protocol';

/**
 * The `perMessageDeflate` option of the client and the server: `false` leaves compression off,
 * `true` turns it on with `@wskit/permessage-deflate`'s defaults, an object turns it on with those
 * options (`serverNoContextTakeover`, `clientMaxWindowBits`, `threshold`, `level`, …). Absent: the
 * client offers it (as browsers, `ws` and undici do), the server does not accept it.
 */
export type PerMessageDeflateOption = boolean | PerMessageDeflateOptions;

/** The client's negotiator for `true`, made on first use. */
let clientDefault: PerMessageDeflate | undefined;
/** The client's negotiators per options object: connections made with one object share its zlib limiter. */
const clientNegotiators = new WeakMap<PerMessageDeflateOptions, PerMessageDeflate>();

function checkOption(option: unknown): asserts option is PerMessageDeflateOption | undefined {
  if (option === undefined || typeof option === 'boolean') return;
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw new TypeError(`perMessageDeflate must be true, false or an options object, not ${String(option)}`);
  }
}

/**
 * The permessage-deflate negotiator for a client's `perMessageDeflate` option (absent: on, with the
 * defaults), or `undefined` when it is `false`. One per options object (and one for the defaults),
 * so that the connections of one client configuration share it. Throws `TypeError`/`RangeError`
 * for a bad option.
 */
export function clientPerMessageDeflate(option: unknown): PerMessageDeflate | undefined {
  checkOption(option);
  if (option === false) return undefined;
  if (option === undefined || option === true) {
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
 * option.
 */
export function serverPerMessageDeflate(option: unknown): PerMessageDeflate | undefined {
  checkOption(option);
  if (option === undefined || option === false) return undefined;
  return perMessageDeflate(option === true ? {} : option);
}

/**
 * The engine extensions for what the handshake agreed: permessage-deflate's, built from the agreed
 * parameters for `role`, when it was agreed (names compare case-insensitively).
 */
export function engineExtensions(
  negotiator: PerMessageDeflate | undefined,
  agreed: readonly Extension[],
  role: Role,
): ConnectionExtension[] | undefined {
  if (negotiator === undefined || agreed.length === 0) return undefined;
  return agreed
    .filter((extension) => extension.name.toLowerCase() === negotiator.name)
    .map((extension) => negotiator.createExtension(extension.params, role));
}

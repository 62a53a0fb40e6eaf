import { type PerMessageDeflate, clientPerMessageDeflate as sharedClient } from '@wskit/permessage-deflate';

export { type PerMessageDeflateOption, serverPerMessageDeflate } from '@wskit/permessage-deflate';
export { engineExtensions } from '@wskit/transport';

/**
 * The permessage-deflate negotiator for a client's `perMessageDeflate` option: absent, this
 * package's client offers it with the defaults (as browsers, `ws` and undici do); `false` turns it
 * off. See `@wskit/permessage-deflate`'s `clientPerMessageDeflate`.
 */
export function clientPerMessageDeflate(option: unknown): PerMessageDeflate | undefined {
  return sharedClient(option === undefined ? true : option);
}

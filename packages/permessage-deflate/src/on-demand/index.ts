/**
 * `@wskit/permessage-deflate/on-demand`: the client's negotiator loaded on demand. The runtime
 * adapters import this entry (small: the option checks) and load the rest of the package, zlib glue
 * included, only for a connection that offers permessage-deflate, while it connects. (An entry of
 * its own rather than an export of the main one: a bundler that reaches the main entry statically
 * may keep every module it re-exports in the up-front chunk.)
 *
 * @packageDocumentation
 */
import type { PerMessageDeflateOption } from '../option.js';
import { checkPerMessageDeflateOption, resolveOptions } from '../options.js';
import type { PerMessageDeflate } from '../per-message-deflate.js';

export type { PerMessageDeflate, PerMessageDeflateOption };

/** The module of `clientPerMessageDeflate`, once asked for. */
let loading: Promise<typeof import('../option.js')> | undefined;

/**
 * `clientPerMessageDeflate(option)`, loaded on demand: checks `option` now (`TypeError`/`RangeError`
 * for misuse, as `clientPerMessageDeflate` throws) and returns `undefined` when compression is off;
 * otherwise starts loading the negotiator and returns the promise of it. A client starts this as it
 * starts connecting and awaits it once connected, so the load runs in parallel with the connection;
 * a bundler with code splitting puts the negotiator and the compression code in a chunk of their
 * own, which a client without compression never loads. Rejects with `clientPerMessageDeflate`'s
 * error when the runtime has no usable `node:zlib`.
 */
export function loadClientPerMessageDeflate(option: unknown): Promise<PerMessageDeflate> | undefined {
  checkPerMessageDeflateOption(option);
  if (option === undefined || option === false) return undefined;
  if (option !== true) resolveOptions(option);
  // Loaded once: a runtime's `import()` of a loaded module still resolves it again.
  loading ??= import('../option.js');
  // Not `undefined`: the option turns compression on.
  return loading.then((module) => module.clientPerMessageDeflate(option)!);
}

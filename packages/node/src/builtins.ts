/**
 * Node's `http`, `http2` and `tls` modules, loaded through CommonJS
 * (`process.getBuiltinModule`, or `require` before Node 20.16) instead of imported as ES modules.
 *
 * Node builds an ES module facade for a built-in on its first `import`, and filling it reads every
 * export, getters included: `node:http`'s `WebSocket`, `CloseEvent` and `MessageEvent` getters then
 * load Node's bundled undici. In Node 24 that is 2.3 MB more heap and about 15 MB more RSS in every
 * process that imports this package, and every later full collection marks it again (a server
 * echoing 64 KiB messages runs one about every 500 messages, as the buffers' external memory grows).
 * The CommonJS module object has no facade. The facade of `tls` costs 0.2 MB more than its module
 * for the same reason. `http2` (1.4 MB) loads on first use: a server or
 * client that never speaks HTTP/2 never loads it.
 */
import type * as Http from 'node:http';
import type * as Http2 from 'node:http2';
import { createRequire } from 'node:module';
import type * as Tls from 'node:tls';

const nodeProcess = process as { getBuiltinModule?: (id: string) => unknown };

/** Loads a built-in module's CommonJS exports (any base path resolves a built-in). */
const loadBuiltin: (id: string) => unknown =
  typeof nodeProcess.getBuiltinModule === 'function'
    ? (id) => nodeProcess.getBuiltinModule!(id)
    : createRequire(process.execPath);

/** `node:http`. */
export const nodeHttp = loadBuiltin('node:http') as typeof Http;

/** `node:tls`. */
export const nodeTls = loadBuiltin('node:tls') as typeof Tls;

let http2Module: typeof Http2 | undefined;

/** `node:http2`, loaded on the first call. */
export function nodeHttp2(): typeof Http2 {
  http2Module ??= loadBuiltin('node:http2') as typeof Http2;
  return http2Module;
}

/**
 * The part of `node:zlib` this package uses, typed here so that the package's declarations need no
 * `@types/node`: Node's, Bun's and workerd's `node:zlib` all fit it.
 */

/** Options given to `createDeflateRaw` and `createInflateRaw`. */
export interface ZlibStreamOptions {
  /** The LZ77 window as bits, 9 to 15 (8 is given as 9, see the README). */
  readonly windowBits: number;
  /** Output chunk size in bytes: the granularity of the decompression limit. */
  readonly chunkSize: number;
  /** Compression level, 0 to 9 (deflate only). */
  readonly level?: number;
  /** zlib's `memLevel`, 1 to 9 (deflate only). */
  readonly memLevel?: number;
  /**
   * The flush mode of every write: `Z_SYNC_FLUSH` (2) here, so that one write of a whole message is
   * one zlib job whose output ends on a byte boundary, not a write and then a separate flush.
   */
  readonly flush: number;
}

/**
 * A zlib transform stream (`DeflateRaw`, `InflateRaw`): bytes written in, `data` events out. Only the
 * methods and events used here.
 */
export interface ZlibStream {
  /**
   * Queues input, processed with the stream's `flush` mode; `callback` runs once zlib is done with
   * it and has emitted all its output as `data`.
   */
  write(chunk: Uint8Array, callback: (error?: unknown) => void): unknown;
  /** Resets the compression state (`deflateReset`/`inflateReset`): a fresh context, same memory. */
  reset(): void;
  /** Stops processing and frees the native state. */
  destroy(): unknown;
  /** Listens for `data` (a chunk of output), `error` and `end` (inflate reached a final block). */
  // biome-ignore lint/suspicious/noExplicitAny: matches Node's EventEmitter signature, which every runtime's zlib implements.
  on(event: 'data' | 'error' | 'end', listener: (...args: any[]) => void): unknown;
}

/** A zlib module: `node:zlib` or anything with the same two factories. */
export interface ZlibModule {
  /** A raw DEFLATE compressor (no zlib header, RFC 1951), as `node:zlib`'s; throws for bad options. */
  createDeflateRaw(options: ZlibStreamOptions): ZlibStream;
  /** A raw DEFLATE decompressor (no zlib header, RFC 1951), as `node:zlib`'s; throws for bad options. */
  createInflateRaw(options: ZlibStreamOptions): ZlibStream;
}

/** The message given when no usable zlib exists. */
const MISSING_ZLIB =
  'permessage-deflate needs node:zlib with createDeflateRaw/createInflateRaw and window sizes: ' +
  'Node.js 20.16 or later, Bun, or Cloudflare Workers with the nodejs_compat compatibility flag. ' +
  'None was found in this runtime: leave permessage-deflate off, or pass a compatible module as the zlib option.';

/** Whether `value` has what {@link ZlibModule} needs. */
function isZlibModule(value: unknown): value is ZlibModule {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ZlibModule).createDeflateRaw === 'function' &&
    typeof (value as ZlibModule).createInflateRaw === 'function'
  );
}

/**
 * The runtime's `node:zlib`, found without a static import (which would fail to load, or to bundle,
 * where there is none): `process.getBuiltinModule` exists on Node ≥ 20.16, Bun and workerd with
 * `nodejs_compat`.
 */
function builtinZlib(): unknown {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof runtime?.getBuiltinModule !== 'function') return undefined;
  try {
    return runtime.getBuiltinModule('node:zlib');
  } catch {
    return undefined;
  }
}

/**
 * The zlib to use: the injected one, or the runtime's. Throws an `Error` that says what is missing
 * and how to fix it when there is none, so that a runtime without zlib fails when permessage-deflate
 * is configured, not when the package is loaded and not in the middle of a connection.
 */
export function resolveZlib(injected: ZlibModule | undefined): ZlibModule {
  if (injected !== undefined) {
    if (!isZlibModule(injected)) {
      throw new TypeError(
        'perMessageDeflate: zlib must have createDeflateRaw and createInflateRaw functions',
      );
    }
    return injected;
  }
  const builtin = builtinZlib();
  if (!isZlibModule(builtin)) throw new Error(MISSING_ZLIB);
  return builtin;
}

import { DefaultDeflateOptions, MAX_WINDOW_BITS, MIN_WINDOW_BITS } from './constants.js';
import type { ZlibModule } from './zlib-backend.js';

/**
 * Options of {@link perMessageDeflate}. The four negotiation options mirror the parameters of
 * RFC 7692 §7.1; each says what the client asks for in its offer and what the server insists on in
 * its response. Everything else the peer asks for is honoured.
 */
export interface PerMessageDeflateOptions {
  /**
   * The server does not keep its compression context between messages (`server_no_context_takeover`,
   * RFC 7692 §7.1.1.1). Client: ask for it in the offer (a response without it fails the handshake).
   * Server: answer with it whatever the offer says. Saves the server nothing in memory (the stream is
   * reset, not freed) but makes every server message decodable on its own. Default `false`.
   */
  readonly serverNoContextTakeover?: boolean;
  /**
   * The client does not keep its compression context between messages (`client_no_context_takeover`,
   * RFC 7692 §7.1.1.2). Client: promise it in the offer (and keep the promise whatever the answer).
   * Server: ask the client for it in the response. Default `false`.
   */
  readonly clientNoContextTakeover?: boolean;
  /**
   * The largest LZ77 window the server compresses with, as bits: 8 to 15 (`server_max_window_bits`,
   * RFC 7692 §7.1.2.1). Client: ask for it in the offer, which bounds the memory our inflater needs
   * (`2^bits` bytes); a response without it or with a larger value fails the handshake. Server: use
   * at most this window and say so in the response. Default: not set (15 unless the peer asks less).
   */
  readonly serverMaxWindowBits?: number;
  /**
   * The largest LZ77 window the client compresses with, as bits: 8 to 15 (`client_max_window_bits`,
   * RFC 7692 §7.1.2.2). Client: offer it with this value (without it, the parameter is offered with
   * no value: the server may pick any size). Server: require it; offers from clients that do not
   * support the parameter are declined, so the inflater never needs more than `2^bits` bytes.
   * Default: not set (the client's choice, up to 15).
   */
  readonly clientMaxWindowBits?: number;
  /**
   * Messages smaller than this many bytes are sent uncompressed (RSV1 clear): compressing them costs
   * more time than it saves bandwidth. `0` compresses every message. Default 1024.
   */
  readonly threshold?: number;
  /** zlib's compression level, 0 to 9. Default 6 (zlib's default). */
  readonly level?: number;
  /**
   * zlib's `memLevel`, 1 to 9: how much memory the compressor uses for its state (higher is faster
   * and compresses better). Default 8.
   */
  readonly memoryLevel?: number;
  /**
   * How many zlib operations (compressing or inflating one message) may run at once across every
   * connection that shares the limiter; the rest wait in line. Without this option every instance
   * shares one process-wide limiter of `DefaultDeflateOptions.concurrencyLimit` (10), like
   * ws's `concurrencyLimit`; with it, this instance gets its own. node:zlib runs on libuv's thread
   * pool (4 threads by default), so a limit keeps compression from starving file and DNS work.
   */
  readonly concurrencyLimit?: number;
  /**
   * The zlib implementation: an object with `createDeflateRaw` and `createInflateRaw` such as
   * `node:zlib` (`import * as zlib from 'node:zlib'`). Default: `node:zlib` from the runtime, found
   * through `process.getBuiltinModule` (Node ≥ 20.16, Bun, Workers with `nodejs_compat`).
   */
  readonly zlib?: ZlibModule;
}

/** Options with every default applied and every value checked. */
export interface ResolvedOptions {
  readonly serverNoContextTakeover: boolean;
  readonly clientNoContextTakeover: boolean;
  readonly serverMaxWindowBits: number | undefined;
  readonly clientMaxWindowBits: number | undefined;
  readonly threshold: number;
  readonly level: number;
  readonly memoryLevel: number;
  readonly concurrencyLimit: number | undefined;
}

function checkBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`perMessageDeflate: ${name} must be a boolean`);
  return value;
}

function checkInteger(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `perMessageDeflate: ${name} must be an integer from ${min} to ${max}, not ${String(value)}`,
    );
  }
  return value;
}

/**
 * Checks a `perMessageDeflate` option (see `PerMessageDeflateOption`): `undefined`, a boolean or an
 * options object; anything else throws a `TypeError`.
 */
export function checkPerMessageDeflateOption(
  option: unknown,
): asserts option is boolean | PerMessageDeflateOptions | undefined {
  if (option === undefined || typeof option === 'boolean') return;
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw new TypeError(`perMessageDeflate must be true, false or an options object, not ${String(option)}`);
  }
}

/** Checks the options (caller misuse throws `TypeError`/`RangeError`) and applies the defaults. */
export function resolveOptions(options: PerMessageDeflateOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('perMessageDeflate: options must be an object');
  }
  return {
    serverNoContextTakeover: checkBoolean('serverNoContextTakeover', options.serverNoContextTakeover),
    clientNoContextTakeover: checkBoolean('clientNoContextTakeover', options.clientNoContextTakeover),
    serverMaxWindowBits: checkInteger(
      'serverMaxWindowBits',
      options.serverMaxWindowBits,
      MIN_WINDOW_BITS,
      MAX_WINDOW_BITS,
    ),
    clientMaxWindowBits: checkInteger(
      'clientMaxWindowBits',
      options.clientMaxWindowBits,
      MIN_WINDOW_BITS,
      MAX_WINDOW_BITS,
    ),
    threshold:
      checkInteger('threshold', options.threshold, 0, Number.MAX_SAFE_INTEGER) ??
      DefaultDeflateOptions.threshold,
    level: checkInteger('level', options.level, 0, 9) ?? DefaultDeflateOptions.level,
    memoryLevel: checkInteger('memoryLevel', options.memoryLevel, 1, 9) ?? DefaultDeflateOptions.memoryLevel,
    concurrencyLimit: checkInteger('concurrencyLimit', options.concurrencyLimit, 1, Number.MAX_SAFE_INTEGER),
  };
}

import { Rsv } from '@wskit/codec';
import type {
  ConnectionExtension,
  ExtensionContext,
  ExtensionMessage,
  ExtensionResult,
} from '@wskit/protocol';
import type { ConcurrencyLimiter } from './concurrency-limiter.js';
import {
  DEFLATE_TRAILER,
  PERMESSAGE_DEFLATE,
  Z_SYNC_FLUSH,
  ZLIB_CHUNK_SIZE,
  ZLIB_MIN_WINDOW_BITS,
} from './constants.js';
import { deflateErrors, inflateErrors } from './errors.js';
import type { ZlibModule } from './zlib-backend.js';
import { ZlibMessageStream } from './zlib-message-stream.js';

/**
 * An outgoing message as the extension reads it: an `ExtensionMessage` that may say `compress:
 * false` to be sent as it is. The engine does not set the flag yet (see the README: a
 * `send(data, { compress: false })` option in `@wskit/protocol` would copy it onto the message).
 */
export interface CompressibleMessage extends ExtensionMessage {
  /** `false` sends this message uncompressed whatever its size; absent or `true` lets the threshold decide. */
  readonly compress?: boolean;
}

/** One direction of an agreed configuration. */
export interface DirectionConfiguration {
  /** The LZ77 window as bits, 8 to 15. */
  readonly windowBits: number;
  /** Reset the compression context after every message (RFC 7692 §7.1.1). */
  readonly noContextTakeover: boolean;
}

/** What one connection's extension does, derived from the agreed parameters and the options. */
export interface ExtensionConfiguration {
  /** How we compress: our own window and context takeover. */
  readonly send: DirectionConfiguration;
  /** How the peer compresses, so how we inflate. */
  readonly receive: DirectionConfiguration;
  readonly threshold: number;
  readonly level: number;
  readonly memoryLevel: number;
}

/** Whether `output` ends with the sync flush marker `00 00 ff ff` (RFC 7692 §7.2.1). */
function endsWithTrailer(output: Uint8Array): boolean {
  const end = output.byteLength;
  return (
    end >= 4 &&
    output[end - 4] === 0x00 &&
    output[end - 3] === 0x00 &&
    output[end - 2] === 0xff &&
    output[end - 1] === 0xff
  );
}

/**
 * The permessage-deflate extension of one connection (RFC 7692 §6): compresses outgoing messages of
 * at least `threshold` bytes and sets RSV1; inflates incoming messages that carry RSV1, within the
 * connection's `maxMessageSize`. One zlib stream per direction, created on first use.
 */
export class DeflateExtension implements ConnectionExtension {
  readonly name: string = PERMESSAGE_DEFLATE;
  readonly rsv: number = Rsv.Rsv1;
  readonly #limiter: ConcurrencyLimiter;
  readonly #threshold: number;
  /** Whether compressed output that is not smaller may be sent uncompressed instead. */
  readonly #mayFallBack: boolean;
  readonly #deflater: ZlibMessageStream;
  readonly #inflater: ZlibMessageStream;
  /**
   * Set when we compress without context takeover: then a message's compressed bytes depend only
   * on it and on the window, level and memory level, so every connection with the same `key` may be
   * sent the same bytes (a topic's message is compressed once per key, not per subscriber).
   * `undefined` with context takeover: each connection's output depends on what it sent before.
   */
  readonly sharedEncoding: { readonly key: string; createEncoder(): DeflateExtension } | undefined;

  constructor(zlib: ZlibModule, limiter: ConcurrencyLimiter, configuration: ExtensionConfiguration) {
    this.#limiter = limiter;
    this.#threshold = configuration.threshold;
    // Without context takeover the peer's inflater forgets every message, so a message we send as it
    // is leaves both sides in step; with it, every byte we compress must reach the peer compressed.
    this.#mayFallBack = configuration.send.noContextTakeover;
    const { send, receive, level, memoryLevel } = configuration;
    this.sharedEncoding = send.noContextTakeover
      ? {
          key: `permessage-deflate;w=${send.windowBits};l=${level};m=${memoryLevel};t=${configuration.threshold}`,
          createEncoder: () => new DeflateExtension(zlib, limiter, configuration),
        }
      : undefined;
    this.#deflater = new ZlibMessageStream(
      () =>
        zlib.createDeflateRaw({
          windowBits: Math.max(send.windowBits, ZLIB_MIN_WINDOW_BITS),
          level,
          memLevel: memoryLevel,
          chunkSize: ZLIB_CHUNK_SIZE,
          flush: Z_SYNC_FLUSH,
        }),
      deflateErrors,
      send.noContextTakeover,
    );
    this.#inflater = new ZlibMessageStream(
      () =>
        zlib.createInflateRaw({
          windowBits: Math.max(receive.windowBits, ZLIB_MIN_WINDOW_BITS),
          chunkSize: ZLIB_CHUNK_SIZE,
          flush: Z_SYNC_FLUSH,
        }),
      inflateErrors,
      receive.noContextTakeover,
    );
  }

  /**
   * Compresses a message of at least `threshold` bytes (RFC 7692 §7.2.1): deflate, sync flush, drop
   * the trailing `00 00 ff ff`, set RSV1. Smaller messages, and messages marked `compress: false`,
   * pass unchanged and at once.
   */
  encodeMessage(message: CompressibleMessage, _context: ExtensionContext): ExtensionResult {
    const data = message.data;
    if (data.byteLength < this.#threshold || message.compress === false) return message;
    // An empty message compresses to one empty stored block (RFC 7692 §7.2.3.6): `00` once the
    // trailer is removed. zlib would give nothing at all for a flush with no new input.
    if (data.byteLength === 0)
      return { type: message.type, data: Uint8Array.of(0x00), rsv: message.rsv | Rsv.Rsv1 };
    return this.#limiter
      .run(() => this.#deflater.transform([data], Number.POSITIVE_INFINITY))
      .then((output): ExtensionMessage => {
        if (!endsWithTrailer(output)) {
          throw new Error('permessage-deflate: zlib did not end the sync flush with 00 00 ff ff');
        }
        const compressed = output.subarray(0, output.byteLength - DEFLATE_TRAILER.byteLength);
        if (this.#mayFallBack && compressed.byteLength >= data.byteLength) return message;
        return { type: message.type, data: compressed, rsv: message.rsv | Rsv.Rsv1 };
      });
  }

  /**
   * Inflates a message that carries RSV1 (RFC 7692 §7.2.2): append `00 00 ff ff`, inflate, clear
   * RSV1. Output is counted while zlib produces it: past `context.maxMessageSize` the inflater stops
   * and the result is `CodecError('WS_ERR_MESSAGE_TOO_LARGE')` (close 1009); corrupt data is a
   * `CodecError` with close code 1007.
   */
  decodeMessage(message: ExtensionMessage, context: ExtensionContext): ExtensionResult {
    const data = message.data;
    return this.#limiter
      .run(() => this.#inflater.transform([data, DEFLATE_TRAILER], context.maxMessageSize))
      .then(
        (output): ExtensionMessage => ({ type: message.type, data: output, rsv: message.rsv & ~Rsv.Rsv1 }),
      );
  }

  /** Frees both zlib streams; a step still in flight is rejected and its limiter place freed. */
  dispose(): void {
    this.#deflater.close();
    this.#inflater.close();
  }
}

/**
 * The extension token of permessage-deflate, as registered by RFC 7692 §7 (matched ASCII
 * case-insensitively in `Sec-WebSocket-Extensions`).
 */
export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/** The smallest LZ77 window a peer may ask for: 2^8 bytes (RFC 7692 §7.1.2.1, §7.1.2.2). */
export const MIN_WINDOW_BITS = 8;

/** The largest LZ77 window, and what a peer may use when nothing limits it: 2^15 bytes (RFC 7692 §7.1.2). */
export const MAX_WINDOW_BITS = 15;

/**
 * The window zlib is given when 8 bits were agreed. zlib cannot deflate raw data with an 8-bit window
 * (since 1.2.9 `deflateInit2` refuses it; it moves the zlib format to 9 bits "until 256-byte window
 * bug fixed"), and runtimes differ in what they do with it. That is still correct for a 256-byte window: zlib never emits a match farther back
 * than the window size minus 262 bytes (`MAX_DIST`), which is 250 bytes for 9 bits. We inflate with
 * 9 bits too: it accepts everything an 8-bit window accepts, and tolerates peers that do the same.
 */
export const ZLIB_MIN_WINDOW_BITS = 9;

/**
 * The four octets a sync flush ends with (an empty stored block, `00 00 ff ff`): removed from every
 * compressed message before sending (RFC 7692 §7.2.1) and appended again before inflating (§7.2.2).
 */
export const DEFLATE_TRAILER: Uint8Array = Uint8Array.of(0x00, 0x00, 0xff, 0xff);

/** zlib's `Z_SYNC_FLUSH` flush mode (zlib.h): ends the output on a byte boundary with `00 00 ff ff`. */
export const Z_SYNC_FLUSH = 2;

/** The output chunk size of each zlib stream: the granularity of the decompression limit check. */
export const ZLIB_CHUNK_SIZE = 16 * 1024;

/** The default options of {@link perMessageDeflate}; see `PerMessageDeflateOptions`. */
export const DefaultDeflateOptions = {
  /** Messages smaller than this many bytes are sent uncompressed: 1024. */
  threshold: 1024,
  /** How many zlib operations may run at once, across every connection sharing the limiter: 10. */
  concurrencyLimit: 10,
  /** zlib's compression level, 0 (none) to 9 (best): 6, zlib's own default. */
  level: 6,
  /**
   * zlib's `memLevel`, 1 to 9: memory for the compression state. A deflate stream needs about
   * `2^(windowBits + 2) + 2^(memoryLevel + 9)` bytes: 256 KiB with a 15-bit window and level 8: 8.
   */
  memoryLevel: 8,
} as const;

/**
 * The codec's internal primitive constants: the sizes at which its code paths switch, and the
 * decoders' states. They live in a module of their own because a bundler (esbuild) inlines a
 * primitive constant imported from another module, not one used in the module that declares it.
 * Not exported from the package.
 */

// --- Frame decoder states (frame-decoder.ts) ---------------------------------------------------

/** Reading a frame header. */
export const READ_HEADER = 0;
/** Reading a frame's payload. */
export const READ_PAYLOAD = 1;
/** A peer's error failed the stream: later input is ignored. */
export const FAILED = 2;
/** A close frame was decoded: nothing may follow it (RFC 6455 §5.5.1), so later bytes are ignored. */
export const CLOSED = 3;

// --- Message decoder (message-decoder.ts) ------------------------------------------------------

/** The opcode of the message in progress when there is none. */
export const NO_MESSAGE = 0;

// --- Joining a message's pieces (byte-parts.ts) ------------------------------------------------

/** Small pieces are packed into blocks only once at least this many are held ... */
export const PACK_AFTER_PARTS = 8;
/** ... and they average under this size; pieces this large or larger always stay views. */
export const SMALL_PART = 4096;
/** The largest packing block. */
export const BLOCK_SIZE = 16384;
/** The smallest packing block. */
export const MIN_BLOCK_SIZE = 1024;

// --- Masking (mask.ts) -------------------------------------------------------------------------

/** Payloads shorter than this are masked byte by byte. */
export const WORD_THRESHOLD = 128;
/** Payloads at least this long go to the WebAssembly SIMD kernel, when there is one. */
export const SIMD_THRESHOLD = 512;
/** Buffers up to this size keep a cached word view (see `wordsOf` in mask.ts). */
export const CACHED_VIEW_LIMIT = 1024 * 1024;

// --- Encoding (frame-pool.ts, frame-bytes.ts, frame-encoder.ts) --------------------------------

/** Frames of at most this many bytes are carved out of a slab of the frame pool. */
export const POOLED_FRAME_LIMIT = 4096;
/** Size of one slab of the frame pool. */
export const SLAB_SIZE = 64 * 1024;
/** Payloads up to this size are copied or masked straight from the source, a byte at a time. */
export const SHORT_PAYLOAD = 32;
/**
 * Keys drawn per refill of the encoders' shared key pool: `getRandomValues` costs about as much per
 * call as for 4096 keys, so a larger batch makes a key several times cheaper than the per-pool default.
 */
export const SHARED_KEY_BATCH = 4096;

// --- UTF-8 validation (utf8.ts) ----------------------------------------------------------------

/** Runs at least this long go to the fast validator, when one was given. */
export const FAST_PATH_THRESHOLD = 32;

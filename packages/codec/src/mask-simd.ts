/**
 * The WebAssembly SIMD masking kernel (RFC 6455 §5.3), 16 bytes per XOR, for payloads of 512 bytes
 * and more. A module of its own, loaded by `mask.ts` with `import()` on the first long payload: a
 * bundle whose payloads stay short never carries it, and the word loop masks until it has loaded.
 */

/**
 * Bytes staged through the SIMD kernel's memory per call (a multiple of 16, at most 64 KiB): small
 * enough that the source block, the staging block and the target block all stay in L1 cache.
 */
const SIMD_BLOCK = 8 * 1024;

/**
 * Writes `length` bytes of `source` XORed with `word` (the key as a little-endian 32-bit word, at
 * key position 0 of `source[0]`) into `target` at `targetOffset`; `source` and `target` may be the
 * same bytes.
 *
 * @internal
 */
export type SimdMask = (
  source: Uint8Array,
  target: Uint8Array,
  targetOffset: number,
  length: number,
  word: number,
) => void;

/**
 * The kernel, hand-assembled (202 bytes). Its text form:
 *
 * ```wat
 * (module
 *   (memory (export "memory") 2 2)            ;; two fixed 64 KiB pages: never grows, never detaches
 *   (func (export "xor") (param $at i32) (param $length i32) (param $word i32)
 *     (local $key v128)
 *     (local.set $key (i32x4.splat (local.get $word)))
 *     (block $end (loop $wide                  ;; 64 bytes per iteration
 *       (br_if $end (i32.lt_u (local.get $length) (i32.const 64)))
 *       (v128.store offset=0 (local.get $at) (v128.xor (v128.load offset=0 (local.get $at)) (local.get $key)))
 *       ;; … the same at offsets 16, 32 and 48
 *       (local.set $at (i32.add (local.get $at) (i32.const 64)))
 *       (local.set $length (i32.sub (local.get $length) (i32.const 64)))
 *       (br $wide)))
 *     (block $end (loop $narrow                ;; then 16 bytes per iteration
 *       (br_if $end (i32.lt_u (local.get $length) (i32.const 16)))
 *       (v128.store (local.get $at) (v128.xor (v128.load (local.get $at)) (local.get $key)))
 *       (local.set $at (i32.add (local.get $at) (i32.const 16)))
 *       (local.set $length (i32.sub (local.get $length) (i32.const 16)))
 *       (br $narrow)))))
 * ```
 *
 * `xor(at, length, word)` masks `length` bytes (a multiple of 16) at `at` in its memory in place.
 */
// biome-ignore format: one row per 16 bytes
const SIMD_MODULE = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f,
  0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x04, 0x01, 0x01, 0x02, 0x02, 0x07, 0x10, 0x02, 0x06, 0x6d,
  0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x03, 0x78, 0x6f, 0x72, 0x00, 0x00, 0x0a, 0x9a, 0x01,
  0x01, 0x97, 0x01, 0x01, 0x01, 0x7b, 0x20, 0x02, 0xfd, 0x11, 0x21, 0x03, 0x02, 0x40, 0x03, 0x40,
  0x20, 0x01, 0x41, 0xc0, 0x00, 0x49, 0x0d, 0x01, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x00, 0x04, 0x00,
  0x20, 0x03, 0xfd, 0x51, 0xfd, 0x0b, 0x04, 0x00, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x00, 0x04, 0x10,
  0x20, 0x03, 0xfd, 0x51, 0xfd, 0x0b, 0x04, 0x10, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x00, 0x04, 0x20,
  0x20, 0x03, 0xfd, 0x51, 0xfd, 0x0b, 0x04, 0x20, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x00, 0x04, 0x30,
  0x20, 0x03, 0xfd, 0x51, 0xfd, 0x0b, 0x04, 0x30, 0x20, 0x00, 0x41, 0xc0, 0x00, 0x6a, 0x21, 0x00,
  0x20, 0x01, 0x41, 0xc0, 0x00, 0x6b, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x02, 0x40, 0x03, 0x40,
  0x20, 0x01, 0x41, 0x10, 0x49, 0x0d, 0x01, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x00, 0x04, 0x00, 0x20,
  0x03, 0xfd, 0x51, 0xfd, 0x0b, 0x04, 0x00, 0x20, 0x00, 0x41, 0x10, 0x6a, 0x21, 0x00, 0x20, 0x01,
  0x41, 0x10, 0x6b, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x0b,
];

/** What the kernel exports, bound for calls from JavaScript. */
interface SimdKernel {
  /** Masks `length` bytes (a multiple of 16) at `at` in `memory`, in place. */
  readonly xor: (at: number, length: number, word: number) => void;
  /** The kernel's memory: 128 KiB, fixed, so this view never detaches. */
  readonly memory: Uint8Array;
  /** The first {@link SIMD_BLOCK} bytes of `memory`, so a full block needs no new view. */
  readonly block: Uint8Array;
}

/** The slice of the WebAssembly JS API the kernel needs (declared here: no DOM or runtime types). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/**
 * Compiles and self-tests the kernel; returns the masking function over it, or `null` where the
 * runtime has no WebAssembly SIMD or forbids compiling code.
 *
 * @internal loaded by `mask.ts` on the first long payload.
 */
export function loadSimdKernel(): SimdMask | null {
  try {
    const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    const bytes = new Uint8Array(SIMD_MODULE);
    // `validate` is false where the engine lacks SIMD; compiling throws where code generation is
    // forbidden (workerd, a strict CSP). Either way the word loop stays in charge.
    if (api === undefined || !api.validate(bytes)) return null;
    const exports = new api.Instance(new api.Module(bytes)).exports;
    const memory = new Uint8Array((exports.memory as { buffer: ArrayBuffer }).buffer);
    const xor = exports.xor as SimdKernel['xor'];
    const kernel: SimdKernel = { xor, memory, block: memory.subarray(0, SIMD_BLOCK) };
    // Self-test once: a miscompiled or misassembled kernel must never corrupt payloads.
    kernel.memory.fill(0x5a, 0, 80);
    xor(0, 80, 0x01020304);
    if (memory[0] !== 0x5e || memory[1] !== 0x59 || memory[79] !== 0x5b) return null;
    return (source, target, targetOffset, length, word) =>
      simdMask(kernel, source, target, targetOffset, length, word);
  } catch {
    return null;
  }
}

/**
 * Masks `length` bytes of `source` into `target` at `targetOffset` through the SIMD kernel, a block
 * at a time; `source` and `target` may be the same bytes. Blocks are multiples of 16 bytes, so the
 * key phase is the same at the start of every block; the last block is XORed up to the next
 * multiple of 16 (bytes past the payload in the kernel's memory are scratch) and copied out exactly.
 */
function simdMask(
  kernel: SimdKernel,
  source: Uint8Array,
  target: Uint8Array,
  targetOffset: number,
  length: number,
  word: number,
): void {
  const memory = kernel.memory;
  if (length <= SIMD_BLOCK) {
    memory.set(source);
    kernel.xor(0, (length + 15) & ~15, word);
    target.set(length === SIMD_BLOCK ? kernel.block : memory.subarray(0, length), targetOffset);
    return;
  }
  // Blocks of the source as plain views: `subarray` would go through the species constructor of a
  // subclass such as Node's Buffer, several times slower.
  const buffer = source.buffer;
  const base = source.byteOffset;
  for (let at = 0; at < length; at += SIMD_BLOCK) {
    const size = Math.min(length - at, SIMD_BLOCK);
    memory.set(new Uint8Array(buffer, base + at, size));
    kernel.xor(0, (size + 15) & ~15, word);
    target.set(size === SIMD_BLOCK ? kernel.block : memory.subarray(0, size), targetOffset + at);
  }
}

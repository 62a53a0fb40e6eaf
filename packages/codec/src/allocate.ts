/**
 * How the codec gets memory for the arrays it fills: joined messages, frames over 4 KiB. The only
 * portable way to get memory is a new `ArrayBuffer`, which is always zeroed; runtimes have faster
 * ways (Node's `Buffer.allocUnsafe`), so the decoder and the encoder take an `allocate` option.
 */

/**
 * Allocates an array of `length` bytes that the codec then fills. Every byte of it is written before
 * the array is handed out, so it need not be zeroed: Node's `Buffer.allocUnsafe` fits.
 */
export type Allocate = (length: number) => Uint8Array;

/** The default {@link Allocate}: a new, zeroed `Uint8Array`. */
export const allocateZeroed: Allocate = (length) => new Uint8Array(length);

/** Checks an `allocate` option, returning the default when it is absent. */
export function checkAllocate(allocate: Allocate | undefined): Allocate {
  if (allocate === undefined) return allocateZeroed;
  if (typeof allocate !== 'function') throw new TypeError('allocate must be a function');
  return allocate;
}

/**
 * Calls `allocate` and checks what it returned: an array shorter than asked for is the caller's bug
 * (a `TypeError`); a longer one is cut to size.
 */
export function allocateChecked(allocate: Allocate, length: number): Uint8Array {
  const bytes = allocate(length);
  if (!(bytes instanceof Uint8Array) || bytes.length < length) {
    throw new TypeError(`allocate(${length}) must return a Uint8Array of at least ${length} bytes`);
  }
  return bytes.length === length ? bytes : bytes.subarray(0, length);
}

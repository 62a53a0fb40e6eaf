/**
 * Helpers every runtime adapter needs the same way, kept once here: joining the small chunks of one
 * `write` into one socket write, the high-water mark of a transport's write buffer, formatting a
 * peer's address, and dialing while an extension loads.
 */
import type { Transport } from './port.js';

/** The default high-water mark of an adapter's transport: `write` returns `false` from 64 KiB not yet written. */
export const DEFAULT_HIGH_WATER_MARK = 64 * 1024;

/**
 * Reads a transport's `highWaterMark` option: {@link DEFAULT_HIGH_WATER_MARK} when absent, a
 * `RangeError` for anything but a number of at least 1.
 */
export function checkHighWaterMark(value: number | undefined): number {
  const highWaterMark = value ?? DEFAULT_HIGH_WATER_MARK;
  if (typeof highWaterMark !== 'number' || !(highWaterMark >= 1)) {
    throw new RangeError(`highWaterMark must be a positive number, not ${String(highWaterMark)}`);
  }
  return highWaterMark;
}

/** Small chunks of one `write` are joined up to this many bytes (a frame header and a small payload: one syscall). */
export const JOIN_LIMIT = 16 * 1024;

/** A run of chunks joined by {@link joinSmallChunks}. */
export interface JoinedRun {
  /** The chunk to write: `chunks[start]` itself, or a new array holding the whole run. */
  readonly chunk: Uint8Array;
  /** The index after the run. */
  readonly next: number;
}

/**
 * Joins `chunks[start]` with the chunks after it while it is smaller than `limit` and the run stays
 * within `limit` bytes, into one new array (the only copy); a chunk of `limit` bytes or more, or a
 * run of one, is returned as it is. For adapters whose socket has no vectored write (Bun,
 * `cloudflare:sockets`): a frame header and its small payload leave in one write.
 */
export function joinSmallChunks(chunks: readonly Uint8Array[], start: number, limit = JOIN_LIMIT): JoinedRun {
  const first = chunks[start]!;
  let next = start + 1;
  if (first.byteLength >= limit) return { chunk: first, next };
  let size = first.byteLength;
  while (next < chunks.length && size + chunks[next]!.byteLength <= limit) {
    size += chunks[next]!.byteLength;
    next++;
  }
  if (next === start + 1) return { chunk: first, next };
  const joined = new Uint8Array(size);
  let offset = 0;
  for (let index = start; index < next; index++) {
    joined.set(chunks[index]!, offset);
    offset += chunks[index]!.byteLength;
  }
  return { chunk: joined, next };
}

/** `host:port` for a peer, with an IPv6 address in brackets (`[::1]:8080`); `undefined` without an address. */
export function formatAddress(address: string | undefined, port: number | undefined): string | undefined {
  if (address === undefined || address === '') return undefined;
  const host = address.includes(':') ? `[${address}]` : address;
  return port === undefined || port === 0 ? host : `${host}:${port}`;
}

/**
 * Waits for a connection being dialed and for something loading at the same time (a client's
 * extension negotiators, loaded on demand while it connects): resolves with both, or rejects with
 * the first failure. When the loading fails, the transport is aborted (now, or when it arrives).
 */
export async function dialedWith<T>(
  dialing: Promise<Transport>,
  loading: T | PromiseLike<T>,
): Promise<[Transport, T]> {
  const loaded = Promise.resolve(loading);
  loaded.catch(() =>
    dialing.then(
      (transport) => transport.abort(),
      () => {},
    ),
  );
  return Promise.all([dialing, loaded]);
}

/**
 * One buffer a runtime adapter lends, one large masked frame at a time, for its transports'
 * `Transport.frameScratch`: a client sending large messages then reuses it instead of allocating,
 * page-faulting and collecting a fresh buffer per frame. It grows to the largest frame lent (at most
 * `limit`). The adapter decides when its socket no longer needs the bytes and frees the lending
 * (`free`, or `freeLending` from a write callback, which frees only the lending it belongs to).
 */
export class FrameScratch {
  readonly #limit: number;
  #buffer: Uint8Array | undefined;
  #borrower: object | undefined;
  #lending = 0;

  /** @param limit the largest frame lent; larger ones are allocated as usual. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** `length` bytes lent to `borrower`, or `undefined` while lent or over the limit. */
  lend(borrower: object, length: number): Uint8Array | undefined {
    if (this.#borrower !== undefined || length > this.#limit) return undefined;
    let buffer = this.#buffer;
    if (buffer === undefined || buffer.length < length) {
      buffer = new Uint8Array(Math.min(this.#limit, Math.max(length, 2 * (buffer?.length ?? 0))));
      this.#buffer = buffer;
    }
    this.#borrower = borrower;
    this.#lending++;
    return buffer.subarray(0, length);
  }

  /** Whether it is lent to `borrower`. */
  lentTo(borrower: object): boolean {
    return this.#borrower === borrower;
  }

  /** Whether `chunk` is a view of the buffer while it is lent. */
  holds(chunk: Uint8Array): boolean {
    return this.#borrower !== undefined && chunk.buffer === this.#buffer!.buffer;
  }

  /** The index of the chunk of `chunks` that is a view of the lent buffer, or -1. */
  indexIn(chunks: readonly Uint8Array[]): number {
    if (this.#borrower === undefined) return -1;
    for (let index = 0; index < chunks.length; index++) if (this.holds(chunks[index]!)) return index;
    return -1;
  }

  /** Which lending this is (for {@link freeLending}). */
  get lending(): number {
    return this.#lending;
  }

  /** Frees the current lending. */
  free(): void {
    this.#borrower = undefined;
  }

  /** Frees lending `lending` when it is still the current one (a write callback after a new lending). */
  freeLending(lending: number): void {
    if (this.#lending === lending) this.#borrower = undefined;
  }
}

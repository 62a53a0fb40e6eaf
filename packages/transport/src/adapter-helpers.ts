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

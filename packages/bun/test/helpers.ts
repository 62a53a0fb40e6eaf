/** Test helpers: the self-signed certificate, cleanups, waiting. Not a test file. */
import { afterEach } from 'bun:test';

/** The self-signed certificate (CN localhost, SAN localhost, 127.0.0.1, ::1) and its key. */
export const certificate = await Bun.file(new URL('./fixtures/cert.pem', import.meta.url)).text();
export const privateKey = await Bun.file(new URL('./fixtures/key.pem', import.meta.url)).text();

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Registers a cleanup for the end of the current test. */
export function defer(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** Resolves once `condition()` holds; rejects after `timeout` ms. */
export async function until(condition: () => boolean, timeout = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeout) throw new Error(`condition not met within ${timeout} ms`);
    await Bun.sleep(2);
  }
}

/** `size` bytes of a recognisable pattern. */
export function pattern(size: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 31 + seed) & 0xff;
  return bytes;
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

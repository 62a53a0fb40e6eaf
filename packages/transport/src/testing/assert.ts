/**
 * The conformance suite's own assertions and helpers: no test runner, so that the suite runs
 * anywhere (Node, Bun, inside workerd). Assertions throw an `AssertionError`.
 */
import type { CloseInfo, WebSocket } from '@wskit/transport';

/** A failed conformance assertion. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** Throws unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Throws unless `actual === expected` (or both are equal byte arrays). */
export function assertEqual<T>(actual: T, expected: T, what: string): void {
  if (actual instanceof Uint8Array && expected instanceof Uint8Array) {
    assertBytes(actual, expected, what);
    return;
  }
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${what}: expected ${describe(expected)}, got ${describe(actual)}`);
  }
}

/** Throws unless the two arrays hold the same bytes. */
export function assertBytes(actual: unknown, expected: Uint8Array, what: string): void {
  assert(actual instanceof Uint8Array, `${what}: expected bytes, got ${describe(actual)}`);
  assert(
    actual.length === expected.length,
    `${what}: expected ${expected.length} bytes, got ${actual.length}`,
  );
  for (let index = 0; index < expected.length; index++) {
    if (actual[index] !== expected[index]) {
      throw new AssertionError(`${what}: bytes differ at offset ${index}`);
    }
  }
}

/** A short description of a value for messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 60 ? `a string of ${value.length} chars` : JSON.stringify(value);
  }
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Resolves after `milliseconds`. */
export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** `promise`, or an `AssertionError` after `milliseconds`. */
export function within<T>(promise: Promise<T>, milliseconds: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AssertionError(`${what}: timed out after ${milliseconds} ms`)),
      milliseconds,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The next received message (through a short-lived async iterator); fails if the WebSocket closes first. */
export async function nextMessage(ws: WebSocket, what = 'next message'): Promise<string | Uint8Array> {
  const iterator = ws[Symbol.asyncIterator]();
  const result = await iterator.next();
  await iterator.return?.();
  if (result.done) {
    const info = await ws.closed;
    throw new AssertionError(`${what}: the WebSocket closed first (${info.code} ${info.reason})`);
  }
  return result.value;
}

/** The close event's values, within `milliseconds`. */
export function closedWithin(ws: WebSocket, milliseconds: number, what = 'close'): Promise<CloseInfo> {
  return within(ws.closed, milliseconds, what);
}

/** `size` bytes of a pattern that differs with `seed`. */
export function patternBytes(size: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 31 + seed) & 0xff;
  return bytes;
}

/** `size` characters (and bytes) of printable ASCII. */
export function patternText(size: number, seed = 0): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let unit = '';
  for (let index = 0; index < 1024; index++) unit += alphabet[(index + seed) % alphabet.length];
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

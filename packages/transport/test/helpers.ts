/**
 * Test helpers: a recording transport handler, waiting for a condition, collecting messages. Not a
 * test file (no `.test.ts` suffix).
 */
import type { TransportHandler } from '@wskit/transport';

/** A handler that records every transport event, in order. */
export function recordingHandler(): TransportHandler & {
  events: string[];
  data: Uint8Array[];
  bytes(): Uint8Array;
} {
  const events: string[] = [];
  const data: Uint8Array[] = [];
  return {
    events,
    data,
    bytes: () => concat(data),
    onData: (chunk) => {
      events.push(`data:${chunk.length}`);
      data.push(chunk);
    },
    onEnd: () => events.push('end'),
    onDrain: () => events.push('drain'),
    onError: (error) => events.push(`error:${error.message}`),
    onClose: () => events.push('close'),
  };
}

/** One array holding `parts` in order. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Resolves once `condition()` holds, checking every few milliseconds; rejects after `timeout`. */
export async function until(condition: () => boolean, timeout = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeout) throw new Error(`condition not met within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Resolves after `milliseconds`. */
export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Lets queued microtasks and one macrotask turn run. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

import { expect } from 'vitest';

/** A deterministic pseudo-random generator (mulberry32). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'lorem',
  'ipsum',
  'dolor',
  'sit',
  'amet',
  'ws',
  'frame',
  'deflate',
  'ünïcødé',
  '✓',
  '🚀',
  'window',
];

/** Compressible text of exactly `length` UTF-16 code units or fewer (whole words and code points). */
export function text(length: number, seed: number): string {
  const next = random(seed);
  let out = '';
  while (out.length < length) {
    const word = WORDS[Math.floor(next() * WORDS.length)]!;
    if (out.length + word.length + 1 > length) break;
    out += `${word} `;
  }
  return out.padEnd(length, 'x');
}

/** Compressible bytes: runs and repeats mixed with noise. */
export function bytes(length: number, seed: number): Uint8Array {
  const next = random(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = next() < 0.7 && i >= 64 ? out[i - 1 - Math.floor(next() * 63)]! : Math.floor(next() * 256);
  }
  return out;
}

/** Whether two messages are equal: strings, or bytes compared in one pass (deep equality is slow). */
export function same(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks received messages against the sent ones, type and content, with a short failure report. */
export function expectSame(received: (string | Uint8Array)[], sent: (string | Uint8Array)[]): void {
  expect(received.map((message) => typeof message)).toEqual(sent.map((message) => typeof message));
  expect(received.map((message, index) => same(message, sent[index]!))).toEqual(sent.map(() => true));
}

/**
 * Shared test helpers: hex conversion, an event-recording handler, chunking, and a mask key pool
 * with a fixed key. Not a test file (no `.test.ts` suffix), so neither runner collects it.
 */
import {
  type ClosePayload,
  type CodecError,
  MaskKeyPool,
  MessageDecoder,
  type MessageDecoderOptions,
  type MessageHandler,
  type MessageType,
  type RandomSource,
} from '@wskit/codec';

/** Bytes from a hex string; whitespace is ignored (`'81 05 48 65'`). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0) throw new Error(`odd hex length: ${hex}`);
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Lowercase hex of `bytes`, no separators. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
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

/** `bytes` cut at the given offsets (sorted, deduplicated, out-of-range ignored); every chunk is a fresh copy. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((cut) => cut > 0 && cut < bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.slice(start, point));
    start = point;
  }
  return chunks;
}

/** `bytes` as one-byte chunks. */
export function bytewise(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) chunks.push(bytes.slice(i, i + 1));
  return chunks;
}

/** A decoder event in a comparable form: byte payloads as hex. */
export type DecodedEvent =
  | { event: 'text'; text: string }
  | { event: 'binary'; data: string }
  | { event: 'encodedText'; data: string }
  | { event: 'piece'; type: MessageType; data: string; final: boolean }
  | { event: 'extension'; type: MessageType; data: string; rsv: number }
  | { event: 'ping'; data: string }
  | { event: 'pong'; data: string }
  | { event: 'close'; code: number | undefined; reason: string };

/** A handler that records every event, plus the raw arrays it was given (for zero-copy checks). */
export class Recorder implements MessageHandler {
  readonly events: DecodedEvent[] = [];
  readonly arrays: Uint8Array[] = [];
  readonly closes: ClosePayload[] = [];

  onText(text: string): void {
    this.events.push({ event: 'text', text });
  }
  onBinary(data: Uint8Array): void {
    this.arrays.push(data);
    this.events.push({ event: 'binary', data: toHex(data) });
  }
  onEncodedText(utf8: Uint8Array): void {
    this.arrays.push(utf8);
    this.events.push({ event: 'encodedText', data: toHex(utf8) });
  }
  onPiece(type: MessageType, data: Uint8Array, final: boolean): void {
    this.arrays.push(data);
    this.events.push({ event: 'piece', type, data: toHex(data), final });
  }
  onExtensionMessage(type: MessageType, data: Uint8Array, rsv: number): void {
    this.arrays.push(data);
    this.events.push({ event: 'extension', type, data: toHex(data), rsv });
  }
  onPing(data: Uint8Array): void {
    this.arrays.push(data);
    this.events.push({ event: 'ping', data: toHex(data) });
  }
  onPong(data: Uint8Array): void {
    this.arrays.push(data);
    this.events.push({ event: 'pong', data: toHex(data) });
  }
  onClose(close: ClosePayload): void {
    this.closes.push(close);
    this.events.push({ event: 'close', code: close.code, reason: close.reason });
  }
}

/** The outcome of feeding chunks to a fresh decoder. */
export interface DecodeResult {
  events: DecodedEvent[];
  /** The first error `write()` returned, if any. */
  error: CodecError | undefined;
  /** Index of the chunk whose `write()` first returned an error, or -1. */
  errorAt: number;
  recorder: Recorder;
  decoder: MessageDecoder;
}

/** Feeds `chunks` in order to a new {@link MessageDecoder}, stopping at the first error. */
export function decode(chunks: readonly Uint8Array[], options: MessageDecoderOptions): DecodeResult {
  const recorder = new Recorder();
  const decoder = new MessageDecoder(recorder, options);
  let error: CodecError | undefined;
  let errorAt = -1;
  for (let i = 0; i < chunks.length; i++) {
    error = decoder.write(chunks[i]!);
    if (error !== undefined) {
      errorAt = i;
      break;
    }
  }
  return { events: recorder.events, error, errorAt, recorder, decoder };
}

/** Decodes hex strings, one chunk each. */
export function decodeHex(hexChunks: readonly string[], options: MessageDecoderOptions): DecodeResult {
  return decode(hexChunks.map(fromHex), options);
}

/**
 * Merges runs of adjacent `piece` events of one message into one event, so that events from
 * `pieces` delivery can be compared however the stream was chunked.
 */
export function mergePieces(events: readonly DecodedEvent[]): DecodedEvent[] {
  const merged: DecodedEvent[] = [];
  for (const event of events) {
    const previous = merged[merged.length - 1];
    if (event.event === 'piece' && previous?.event === 'piece' && !previous.final) {
      merged[merged.length - 1] = { ...previous, data: previous.data + event.data, final: event.final };
    } else {
      merged.push(event);
    }
  }
  return merged;
}

/** A random source that fills every array with the same bytes, so every key is `key`. */
export function fixedRandom(key: number): RandomSource {
  return <T extends Uint8Array | Uint32Array>(array: T): T => {
    if (array instanceof Uint32Array) {
      array.fill(key >>> 0);
    } else {
      for (let i = 0; i < array.length; i++) array[i] = (key >>> (24 - 8 * (i & 3))) & 0xff;
    }
    return array;
  };
}

/** A pool whose every key is `key`. */
export function fixedKeys(key: number): MaskKeyPool {
  return new MaskKeyPool(4, fixedRandom(key));
}

/** A deterministic pseudo-random generator (mulberry32), for tests that need many bytes. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` pseudo-random bytes from `seed`. */
export function randomBytes(length: number, seed: number): Uint8Array {
  const next = seededRandom(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

/** Bytes `0, 1, …, 255, 0, 1, …` of the given length. */
export function counting(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = i & 0xff;
  return bytes;
}

export const utf8 = new TextEncoder();

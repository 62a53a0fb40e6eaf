import { ZLIB_CHUNK_SIZE } from './constants.js';
import type { ZlibStream } from './zlib-backend.js';

/** How a {@link ZlibMessageStream} turns its failures into errors. */
export interface MessageStreamErrors {
  /** zlib reported an error (corrupt input for an inflater). */
  zlib(cause: unknown): Error;
  /** The output grew past the limit given to `transform`. */
  limit(limit: number): Error;
  /** The stream was closed (the connection is gone). */
  closed(): Error;
}

interface Pending {
  readonly resolve: (output: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

const EMPTY = new Uint8Array(0);

/** The callback of every write but a message's last: failures arrive as the stream's `error` event. */
const ignoreWriteResult = (): void => {};

/** Joins output chunks into one plain `Uint8Array` (a view when there is only one). */
function joinChunks(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 0) return EMPTY;
  if (chunks.length === 1) {
    const chunk = chunks[0]!;
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  const output = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    output.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return output;
}

/**
 * The parts of one message as zlib will be given them: one buffer when they are small together (one
 * zlib job, one hop to the thread pool, instead of one per part), as they are otherwise.
 */
function writesOf(input: readonly Uint8Array[]): Uint8Array[] {
  const parts = input.filter((part) => part.byteLength > 0);
  if (parts.length < 2) return parts;
  let length = 0;
  for (const part of parts) length += part.byteLength;
  return length > ZLIB_CHUNK_SIZE ? parts : [joinChunks(parts, length)];
}

/**
 * One direction's zlib stream (a raw deflater or inflater), used one message at a time: write the
 * message (every write is flushed with `Z_SYNC_FLUSH`: the stream is created with that flush mode, so
 * a message is one zlib job, not a write and then a flush), collect the output up to the flush. The stream is created on
 * first use and kept between messages (context takeover) or reset after each one (no context
 * takeover, RFC 7692 §7.1.1).
 *
 * Output is counted as zlib produces it, one chunk at a time: once it passes the limit the stream is
 * destroyed at once, which stops zlib before the next chunk. A small message can therefore never
 * make more than `limit + chunkSize` bytes, whatever it would expand to.
 */
export class ZlibMessageStream {
  readonly #create: () => ZlibStream;
  readonly #errors: MessageStreamErrors;
  readonly #noContextTakeover: boolean;
  #stream: ZlibStream | undefined;
  /** The current inflater reached the end of a deflate stream (a block with BFINAL set). */
  #ended = false;
  #chunks: Uint8Array[] = [];
  #length = 0;
  #limit = Number.POSITIVE_INFINITY;
  #pending: Pending | undefined;
  #closed = false;

  /**
   * @param create makes a zlib stream (called lazily, and again after a failure or a final block).
   * @param noContextTakeover reset the stream after every message.
   */
  constructor(create: () => ZlibStream, errors: MessageStreamErrors, noContextTakeover: boolean) {
    this.#create = create;
    this.#errors = errors;
    this.#noContextTakeover = noContextTakeover;
  }

  /** Whether a zlib stream is allocated now (for tests and memory accounting). */
  get isOpen(): boolean {
    return this.#stream !== undefined;
  }

  /**
   * Writes `input` (the parts of one message), flushes, and resolves with everything zlib produced.
   * Rejects with the mapped error when zlib fails, when the output passes `limit` bytes, or when the
   * stream is closed meanwhile; the zlib stream is then dropped (a new one is made on next use).
   */
  transform(input: readonly Uint8Array[], limit: number): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(this.#errors.closed());
    if (this.#pending !== undefined) {
      return Promise.reject(new Error('permessage-deflate: one message at a time per direction'));
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#limit = limit;
      try {
        const stream = this.#stream ?? this.#open();
        const writes = writesOf(input);
        if (writes.length === 0) {
          // Nothing to process (a flush of no input adds nothing to the output either).
          this.#flushed(stream);
          return;
        }
        const last = writes.length - 1;
        for (let index = 0; index < last; index++) stream.write(writes[index]!, ignoreWriteResult);
        stream.write(writes[last]!, () => this.#flushed(stream));
      } catch (cause) {
        this.#fail(this.#errors.zlib(cause));
      }
    });
  }

  /** Frees the zlib stream; a message in flight is rejected, later calls reject at once. */
  close(): void {
    this.#closed = true;
    this.#fail(this.#errors.closed());
  }

  #open(): ZlibStream {
    const stream = this.#create();
    this.#ended = false;
    stream.on('data', (chunk: Uint8Array) => {
      if (stream !== this.#stream || this.#pending === undefined) return;
      this.#length += chunk.byteLength;
      if (this.#length > this.#limit) {
        this.#fail(this.#errors.limit(this.#limit));
        return;
      }
      this.#chunks.push(chunk);
    });
    // Stays attached after the stream is dropped: an error from a destroyed stream must not crash.
    stream.on('error', (cause: unknown) => {
      if (stream === this.#stream) this.#fail(this.#errors.zlib(cause));
    });
    // An inflater ends when a block has BFINAL set (RFC 7692 §7.2.3.4 allows it): what follows in the
    // message is ignored, and the next message starts a new deflate stream.
    stream.on('end', () => {
      if (stream !== this.#stream) return;
      this.#ended = true;
      if (this.#pending === undefined) this.#discard();
    });
    this.#stream = stream;
    return stream;
  }

  #flushed(stream: ZlibStream): void {
    const pending = this.#pending;
    if (stream !== this.#stream || pending === undefined) return;
    this.#pending = undefined;
    const output = joinChunks(this.#chunks, this.#length);
    this.#chunks = [];
    this.#length = 0;
    if (this.#ended) {
      this.#discard();
    } else if (this.#noContextTakeover) {
      try {
        stream.reset();
      } catch {
        this.#discard();
      }
    }
    pending.resolve(output);
  }

  #fail(error: Error): void {
    const pending = this.#pending;
    this.#pending = undefined;
    this.#discard();
    pending?.reject(error);
  }

  #discard(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    this.#ended = false;
    this.#chunks = [];
    this.#length = 0;
    if (stream === undefined) return;
    try {
      stream.destroy();
    } catch {
      // Already closed: nothing left to free.
    }
  }
}

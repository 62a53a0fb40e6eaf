import type { Socket } from 'node:net';
import type { HeaderList } from '@wskit/handshake';

/** The most bytes of a refused handshake's response body kept for the error. */
export const MAX_ERROR_BODY_SIZE = 64 * 1024;

/** Collects at most {@link MAX_ERROR_BODY_SIZE} bytes. */
export class BodyCollector {
  readonly #parts: Uint8Array[] = [];
  #size = 0;

  /** Whether the limit is reached. */
  get full(): boolean {
    return this.#size >= MAX_ERROR_BODY_SIZE;
  }

  add(bytes: Uint8Array): void {
    const room = MAX_ERROR_BODY_SIZE - this.#size;
    if (room <= 0 || bytes.byteLength === 0) return;
    const part = bytes.byteLength > room ? bytes.subarray(0, room) : bytes;
    this.#parts.push(part);
    this.#size += part.byteLength;
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.#parts, this.#size);
  }
}

/** Decodes `Transfer-Encoding: chunked` (RFC 9112 §7.1) incrementally; trailers are skipped. */
class ChunkedDecoder {
  #state: 'size' | 'extension' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  #remaining = 0;
  #sawDigit = false;
  #lineHasBytes = false;

  get done(): boolean {
    return this.#state === 'done';
  }

  /** Feeds `bytes`; returns false on malformed framing. */
  write(bytes: Uint8Array, sink: BodyCollector): boolean {
    let index = 0;
    while (index < bytes.length && this.#state !== 'done') {
      const byte = bytes[index]!;
      switch (this.#state) {
        case 'size': {
          const digit = hexValue(byte);
          if (digit >= 0) {
            this.#remaining = this.#remaining * 16 + digit;
            this.#sawDigit = true;
            if (this.#remaining > Number.MAX_SAFE_INTEGER / 32) return false;
          } else if (byte === 0x0a) {
            if (!this.#sawDigit) return false;
            this.#beginData();
          } else if (byte === 0x3b || byte === 0x20 || byte === 0x09 || byte === 0x0d) {
            this.#state = 'extension';
          } else return false;
          index++;
          break;
        }
        case 'extension':
          if (byte === 0x0a) {
            if (!this.#sawDigit) return false;
            this.#beginData();
          }
          index++;
          break;
        case 'data': {
          const take = Math.min(this.#remaining, bytes.length - index);
          sink.add(bytes.subarray(index, index + take));
          index += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = 'data-end';
          break;
        }
        case 'data-end':
          if (byte === 0x0a) {
            this.#state = 'size';
            this.#sawDigit = false;
          } else if (byte !== 0x0d) return false;
          index++;
          break;
        case 'trailer':
          if (byte === 0x0a) {
            if (!this.#lineHasBytes) this.#state = 'done';
            this.#lineHasBytes = false;
          } else if (byte !== 0x0d) this.#lineHasBytes = true;
          index++;
          break;
      }
    }
    return true;
  }

  #beginData(): void {
    if (this.#remaining === 0) {
      this.#state = 'trailer';
      this.#lineHasBytes = false;
    } else this.#state = 'data';
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/**
 * Reads the start of a response body that follows a head on `socket` (framed by
 * `Transfer-Encoding: chunked`, `Content-Length`, or the end of the connection; RFC 9112 §6.3),
 * starting with `rest`, the bytes that came with the head. Resolves with what arrived once the body
 * is complete, {@link MAX_ERROR_BODY_SIZE} is reached, the connection ends or fails, or `signal`
 * aborts. Never rejects. The caller destroys the socket afterwards.
 */
export function readResponseBody(
  socket: Socket,
  status: number,
  headers: HeaderList,
  rest: Uint8Array,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const sink = new BodyCollector();
  if ((status >= 100 && status < 200) || status === 204 || status === 304) {
    return Promise.resolve(sink.bytes());
  }
  const chunked = headers.hasToken('transfer-encoding', 'chunked') ? new ChunkedDecoder() : undefined;
  const lengthValue = headers.get('content-length');
  let remaining = chunked === undefined && lengthValue !== undefined ? Number(lengthValue) : Infinity;
  if (!Number.isFinite(remaining) || remaining < 0) remaining = Infinity;

  return new Promise((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      socket.off('data', onData);
      socket.off('end', finish);
      socket.off('close', finish);
      socket.off('error', finish);
      signal.removeEventListener('abort', finish);
      resolve(sink.bytes());
    };
    const onData = (chunk: Uint8Array) => {
      if (chunked) {
        if (!chunked.write(chunk, sink) || chunked.done) finish();
      } else {
        const take = Math.min(remaining, chunk.byteLength);
        sink.add(take === chunk.byteLength ? chunk : chunk.subarray(0, take));
        remaining -= take;
        if (remaining === 0) finish();
      }
      if (sink.full) finish();
    };
    socket.on('data', onData);
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    signal.addEventListener('abort', finish);
    if (signal.aborted || remaining === 0) finish();
    else onData(rest);
    if (!settled) socket.resume();
  });
}

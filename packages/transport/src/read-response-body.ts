/**
 * Reads the body of a refused handshake's response, for the `HandshakeFailedError`: loaded on demand
 * by `upgradeClient` when the server answers something other than 101, so that a client whose
 * handshakes succeed does not carry it (no module the package's index re-exports imports this one).
 */
import type { HeaderList } from '@wskit/handshake';
import type { HandshakeTransport } from './handshake-transport.js';
import { BodyCollector } from './response-body.js';

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
 * Reads the start of a response body that follows a head (framed by `Transfer-Encoding: chunked`,
 * `Content-Length`, or the end of the connection; RFC 9112 §6.3), starting with `rest`, the bytes
 * that came with the head. Resolves with what arrived once the body is complete,
 * `MAX_ERROR_BODY_SIZE` is reached, the connection ends or fails, or the handshake is aborted.
 * Never rejects; the caller closes the transport afterwards.
 */
export async function readResponseBody(
  handshake: HandshakeTransport,
  status: number,
  headers: HeaderList,
  rest: Uint8Array,
): Promise<Uint8Array> {
  const sink = new BodyCollector();
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return sink.bytes();
  const chunked = headers.hasToken('transfer-encoding', 'chunked') ? new ChunkedDecoder() : undefined;
  const lengthValue = headers.get('content-length');
  let remaining = chunked === undefined && lengthValue !== undefined ? Number(lengthValue) : Infinity;
  if (!Number.isFinite(remaining) || remaining < 0) remaining = Infinity;
  /** Takes `chunk`; true once the body is complete or the limit reached. */
  const take = (chunk: Uint8Array): boolean => {
    if (chunked) {
      if (!chunked.write(chunk, sink) || chunked.done) return true;
    } else {
      const count = Math.min(remaining, chunk.byteLength);
      sink.add(count === chunk.byteLength ? chunk : chunk.subarray(0, count));
      remaining -= count;
      if (remaining === 0) return true;
    }
    return sink.full;
  };
  if (remaining === 0 || take(rest)) return sink.bytes();
  try {
    for (let chunk = await handshake.read(); chunk !== undefined; chunk = await handshake.read()) {
      if (take(chunk)) break;
    }
  } catch {
    // The connection failed or the handshake was aborted: the body is what arrived.
  }
  return sink.bytes();
}

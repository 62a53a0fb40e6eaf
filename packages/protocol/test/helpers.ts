/**
 * Test helpers: a fake clock, hex conversion, deterministic mask keys, and an in-memory pipe that
 * drives two engines the way an I/O layer would. Not a test file (no `.test.ts` suffix).
 */
import { MaskKeyPool } from '@wskit/codec';
import { Connection, type ConnectionEvent, type ConnectionOptions } from '@wskit/protocol';

/** A clock the test moves by hand. */
export class FakeClock {
  now = 1_000;
  readonly read = (): number => this.now;
  advance(milliseconds: number): void {
    this.now += milliseconds;
  }
}

/** Bytes from a hex string; whitespace is ignored. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Lowercase hex of `bytes`. */
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

/** A mask key pool that always hands out `key` (so a client's frames are predictable). */
export function fixedMaskKeys(key = 0x37fa213d): MaskKeyPool {
  return new MaskKeyPool(1, (array) => {
    array.fill(key); // the pool draws into a Uint32Array of one key
    return array;
  });
}

/** Builds an unmasked (server-to-client) frame. */
export function serverFrame(
  opcode: number,
  payload: Uint8Array | string = '',
  fin = true,
  rsv = 0,
): Uint8Array {
  const data = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  if (data.length > 125) throw new Error('test frames are short');
  return concat([Uint8Array.of((fin ? 0x80 : 0) | rsv | opcode, data.length), data]);
}

/** Builds a masked (client-to-server) frame with a zero mask key (so the payload reads as is). */
export function clientFrame(
  opcode: number,
  payload: Uint8Array | string = '',
  fin = true,
  rsv = 0,
): Uint8Array {
  const data = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  if (data.length > 125) throw new Error('test frames are short');
  return concat([Uint8Array.of((fin ? 0x80 : 0) | rsv | opcode, 0x80 | data.length, 0, 0, 0, 0), data]);
}

/** Splits bytes into chunks; the default keeps them whole. */
export type Chunker = (bytes: Uint8Array) => Uint8Array[];

/** One side of a {@link Pipe}. */
export interface Side {
  readonly connection: Connection;
  /** Everything this side wrote, in order, as written. */
  readonly written: Uint8Array[];
  /** Whether the I/O layer closed this side's transport. */
  ended: boolean;
  /** Whether this side was told about the end of stream. */
  eofReceived: boolean;
  /** Events drained from the connection (queue mode). */
  readonly events: ConnectionEvent[];
}

/**
 * Two engines over an in-memory pipe: `flush()` does what an I/O layer does after each call (drain
 * `dataToSend()`, deliver the bytes to the other side in chunks, end the transport when told, turn
 * the other side's end into `receiveEof()`), until nothing moves.
 */
export class Pipe {
  readonly client: Side;
  readonly server: Side;
  readonly clock: FakeClock;
  #chunker: Chunker;

  constructor(
    options: {
      client?: Partial<ConnectionOptions>;
      server?: Partial<ConnectionOptions>;
      chunker?: Chunker;
      clock?: FakeClock;
    } = {},
  ) {
    this.clock = options.clock ?? new FakeClock();
    this.#chunker = options.chunker ?? ((bytes) => [bytes]);
    const make = (role: 'client' | 'server', extra: Partial<ConnectionOptions> | undefined): Side => ({
      connection: new Connection({ role, clock: this.clock.read, ...extra }),
      written: [],
      ended: false,
      eofReceived: false,
      events: [],
    });
    this.client = make('client', options.client);
    this.server = make('server', options.server);
  }

  /** Moves bytes both ways until nothing moves; returns the events drained on each side. */
  flush(): { client: ConnectionEvent[]; server: ConnectionEvent[] } {
    const drained = { client: [] as ConnectionEvent[], server: [] as ConnectionEvent[] };
    for (let round = 0; round < 10_000; round++) {
      const moved = this.#move(this.client, this.server) || this.#move(this.server, this.client);
      drained.client.push(...this.client.connection.events());
      drained.server.push(...this.server.connection.events());
      if (!moved) break;
    }
    this.client.events.push(...drained.client);
    this.server.events.push(...drained.server);
    return drained;
  }

  #move(from: Side, to: Side): boolean {
    const frames = from.connection.dataToSend();
    let moved = false;
    if (frames.length > 0) {
      from.written.push(...frames);
      // Copy: receiveData takes ownership and unmasks in place, and the sender keeps its arrays.
      if (!to.eofReceived)
        for (const chunk of this.#chunker(concat(frames))) to.connection.receiveData(chunk);
      moved = true;
    }
    if (!from.ended && from.connection.shouldCloseTransport) {
      from.ended = true;
      if (!to.eofReceived) {
        to.eofReceived = true;
        to.connection.receiveEof();
      }
      moved = true;
    }
    return moved;
  }
}

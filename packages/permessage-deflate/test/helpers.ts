import type { ExtensionParams } from '@wskit/handshake';
import type { PerMessageDeflateOptions } from '@wskit/permessage-deflate';
import { perMessageDeflate } from '@wskit/permessage-deflate';
import { Connection, type ConnectionEvent, type ConnectionOptions } from '@wskit/protocol';

/** Bytes from hex, spaces allowed: `hex('f2 48')`. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Hex from bytes, no spaces. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Joins byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** Waits for a macrotask, so that zlib's thread pool callbacks get to run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A masked client frame with a zero mask key (so the payload reads as it is), any length. */
export function clientFrame(opcode: number, payload: Uint8Array, rsv = 0, fin = true): Uint8Array {
  const first = (fin ? 0x80 : 0) | rsv | opcode;
  const length = payload.byteLength;
  let header: Uint8Array;
  if (length < 126) header = Uint8Array.of(first, 0x80 | length);
  else if (length < 65536) header = Uint8Array.of(first, 0x80 | 126, length >> 8, length & 0xff);
  else {
    header = new Uint8Array(10);
    header[0] = first;
    header[1] = 0x80 | 127;
    new DataView(header.buffer).setBigUint64(2, BigInt(length));
  }
  return concat([header, Uint8Array.of(0, 0, 0, 0), payload]);
}

/** The payload of the first unmasked (server) frame in `bytes`, with its first header byte. */
export function readServerFrame(bytes: Uint8Array): { first: number; payload: Uint8Array } {
  const second = bytes[1]! & 0x7f;
  let offset = 2;
  let length = second;
  if (second === 126) {
    length = (bytes[2]! << 8) | bytes[3]!;
    offset = 4;
  } else if (second === 127) {
    length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(2));
    offset = 10;
  }
  return { first: bytes[0]!, payload: bytes.subarray(offset, offset + length) };
}

/** One side of a {@link DeflatePipe}. */
export interface PipeSide {
  readonly connection: Connection;
  /** The first header byte of every data frame this side wrote (to check RSV1). */
  readonly frameHeads: number[];
  readonly events: ConnectionEvent[];
  ended: boolean;
  eofReceived: boolean;
}

/**
 * Two engines over an in-memory pipe, like an I/O layer: after every step, move `dataToSend()` to
 * the other side and turn `shouldCloseTransport` into the other side's `receiveEof()`. Asynchronous
 * extension steps are waited for with {@link DeflatePipe.until}.
 */
export class DeflatePipe {
  readonly client: PipeSide;
  readonly server: PipeSide;
  #wakeScheduled = false;

  constructor(options: { client?: Partial<ConnectionOptions>; server?: Partial<ConnectionOptions> } = {}) {
    let now = 0;
    const clock = () => now++;
    // Like an I/O layer: when an asynchronous extension step settles, write what it produced. The
    // pump runs in a microtask, outside the engine's own call.
    const onWake = () => {
      if (this.#wakeScheduled) return;
      this.#wakeScheduled = true;
      queueMicrotask(() => {
        this.#wakeScheduled = false;
        this.pump();
      });
    };
    const side = (role: 'client' | 'server', extra: Partial<ConnectionOptions> | undefined): PipeSide => ({
      connection: new Connection({ role, clock, onWake, ...extra }),
      frameHeads: [],
      events: [],
      ended: false,
      eofReceived: false,
    });
    this.client = side('client', options.client);
    this.server = side('server', options.server);
  }

  /**
   * Negotiates permessage-deflate between a client and a server configuration through the
   * negotiators (offer → accept → validateResponse) and connects two engines with the result.
   */
  static negotiated(
    clientOptions: PerMessageDeflateOptions,
    serverOptions: PerMessageDeflateOptions,
    connection: Partial<ConnectionOptions> = {},
  ): { pipe: DeflatePipe; agreed: ExtensionParams } {
    const client = perMessageDeflate(clientOptions);
    const server = perMessageDeflate(serverOptions);
    const offers = client.offer();
    const agreed = server.accept(offers);
    if (agreed === null) throw new Error('the server declined');
    const refusal = client.validateResponse(agreed, offers);
    if (refusal !== null) throw new Error(`the client refused: ${refusal}`);
    const pipe = new DeflatePipe({
      client: { ...connection, extensions: [client.createExtension(agreed, 'client')] },
      server: { ...connection, extensions: [server.createExtension(agreed, 'server')] },
    });
    return { pipe, agreed };
  }

  /** Moves bytes both ways until nothing moves; returns whether anything moved. */
  pump(): boolean {
    let movedAny = false;
    for (let moved = true; moved; ) {
      moved = this.#move(this.client, this.server) || this.#move(this.server, this.client);
      movedAny ||= moved;
    }
    this.client.events.push(...this.client.connection.events());
    this.server.events.push(...this.server.connection.events());
    return movedAny;
  }

  /** Pumps and waits until `done()` holds (or fails after `timeout` ms). */
  async until(done: () => boolean, timeout = 10_000): Promise<void> {
    const start = Date.now();
    for (;;) {
      this.pump();
      if (done()) return;
      if (Date.now() - start > timeout) throw new Error('DeflatePipe.until: timed out');
      await tick();
    }
  }

  /** The messages each side received so far. */
  messages(side: PipeSide): (string | Uint8Array)[] {
    return side.events.flatMap((event) => (event.type === 'message' ? [event.data] : []));
  }

  #move(from: PipeSide, to: PipeSide): boolean {
    const frames = from.connection.dataToSend();
    let moved = false;
    if (frames.length > 0) {
      const bytes = concat(frames);
      recordHeads(bytes, from.connection.role === 'client', from.frameHeads);
      if (!to.eofReceived) to.connection.receiveData(bytes);
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

/** Records the first header byte of every data frame (opcode 0–2) in a run of whole frames. */
function recordHeads(bytes: Uint8Array, masked: boolean, heads: number[]): void {
  let offset = 0;
  while (offset + 2 <= bytes.byteLength) {
    const first = bytes[offset]!;
    const second = bytes[offset + 1]! & 0x7f;
    let length = second;
    let header = 2;
    if (second === 126) {
      length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
      header = 4;
    } else if (second === 127) {
      length = Number(new DataView(bytes.buffer, bytes.byteOffset + offset + 2, 8).getBigUint64(0));
      header = 10;
    }
    if (masked) header += 4;
    if ((first & 0x0f) <= 2) heads.push(first);
    offset += header + length;
  }
}

// The shared interop scenario: what our client does against a peer's server, and what our server
// does for a peer's client. Every peer's server and our server speak the same small command set:
//
//   any message          echoed back, text as text, binary as binary
//   text `fragments`     answered with the text `frag-ment-ed` sent as three fragments
//   text `ping-me`       answered with a ping whose payload is `from-server`
//   text `close:C:R`     answered with a close frame with code C and reason R
import type { WebSocketServerOptions, WebSocketSession } from '@wskit/node';
import { expect } from 'vitest';

export const KiB = 1024;
export const MiB = 1024 * KiB;
/** Every payload length class of RFC 6455 §5.2 and its edges, and 1 MiB. */
export const SIZES = [0, 1, 125, 126, 127, 65535, 65536, 65537, MiB];
/** The large messages: at most a few per peer and direction. */
export const BIG = 16 * MiB;
/** Limits that let a 16 MiB message (and its header) through. */
export const LIMITS = { maxMessageSize: 32 * MiB, maxFrameSize: 32 * MiB } as const;

/** `size` bytes of a pattern that differs per `seed`. */
export function patternBytes(size: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 31 + seed) & 0xff;
  return bytes;
}

/** Text of exactly `size` UTF-8 bytes, with two-, three- and four-byte characters. */
export function patternText(size: number): string {
  const unit = 'wskit é€😀 '; // 16 bytes of UTF-8
  return unit.repeat(Math.floor(size / 16)) + 'x'.repeat(size % 16);
}

/** The messages of a WebSocket, in order, one `next()` at a time. */
export class Inbox {
  readonly #queue: (string | Uint8Array)[] = [];
  readonly #waiters: ((message: string | Uint8Array) => void)[] = [];

  constructor(ws: WebSocketSession) {
    ws.on('message', (message) => {
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#queue.push(message);
    });
  }

  next(): Promise<string | Uint8Array> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** Checks that `actual` is `expected` byte for byte (without printing megabytes on failure). */
export function expectSameBytes(actual: unknown, expected: Uint8Array, what: string): void {
  expect(actual, `${what}: a binary message`).toBeInstanceOf(Uint8Array);
  const bytes = actual as Uint8Array;
  expect(bytes.byteLength, `${what}: length`).toBe(expected.byteLength);
  expect(Buffer.compare(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), expected), what).toBe(
    0,
  );
}

/** Checks that `actual` is the text `expected`. */
export function expectSameText(actual: unknown, expected: string, what: string): void {
  expect(typeof actual, `${what}: a text message`).toBe('string');
  expect((actual as string).length, `${what}: length`).toBe(expected.length);
  expect(actual === expected, `${what}: content`).toBe(true);
}

/**
 * Our client against a peer's echo server: text and binary messages of every size class (and the
 * `big` ones), messages sent in fragments, a ping, the server's fragments and the server's ping.
 */
export async function clientExchange(
  ws: WebSocketSession,
  big: readonly ('text' | 'binary')[],
): Promise<number> {
  const inbox = new Inbox(ws);
  let checks = 0;
  for (const size of SIZES) {
    const text = patternText(size);
    const bytes = patternBytes(size, size);
    void ws.send(text);
    void ws.send(bytes);
    expectSameText(await inbox.next(), text, `text of ${size} bytes`);
    expectSameBytes(await inbox.next(), bytes, `binary of ${size} bytes`);
    checks += 2;
  }
  for (const type of big) {
    if (type === 'text') {
      const text = patternText(BIG);
      void ws.send(text);
      expectSameText(await inbox.next(), text, '16 MiB text');
    } else {
      const bytes = patternBytes(BIG, 7);
      void ws.send(bytes);
      expectSameBytes(await inbox.next(), bytes, '16 MiB binary');
    }
    checks++;
  }
  const binary = ws.stream('binary');
  void binary.write(patternBytes(1000, 1));
  void binary.write(new Uint8Array(0));
  void binary.write(patternBytes(70_000, 2));
  void binary.end(patternBytes(3, 3));
  expectSameBytes(
    await inbox.next(),
    Buffer.concat([patternBytes(1000, 1), patternBytes(70_000, 2), patternBytes(3, 3)]),
    'binary sent in four fragments',
  );
  const text = ws.stream('text');
  void text.write('frag');
  void text.write('mented ');
  void text.end('é€😀');
  expectSameText(await inbox.next(), 'fragmented é€😀', 'text sent in three fragments');
  const pong = new Promise<Uint8Array>((resolve) => ws.once('pong', resolve));
  void ws.ping('client-ping');
  expect(Buffer.from(await pong).toString()).toBe('client-ping');
  void ws.send('fragments');
  expectSameText(await inbox.next(), 'frag-ment-ed', 'fragments from the server');
  const ping = new Promise<Uint8Array>((resolve) => ws.once('ping', resolve));
  void ws.send('ping-me');
  expect(Buffer.from(await ping).toString()).toBe('from-server');
  return checks + 5;
}

/** What our interop server saw on one connection. */
export interface ServerObservation {
  closes: { code: number; reason: string; wasClean: boolean }[];
  pongs: string[];
  messages: number;
}

/**
 * The options and connection handler of our server for a peer's client: echo and the commands, with
 * what it saw recorded in `seen`.
 */
export function interopServerOptions(seen: ServerObservation): WebSocketServerOptions & {
  onConnection: (ws: WebSocketSession) => void;
} {
  return {
    ...LIMITS,
    protocols: ['chat'],
    onConnection: (ws) => {
      ws.on('pong', (data) => seen.pongs.push(Buffer.from(data).toString()));
      ws.on('close', (code, reason, wasClean) => seen.closes.push({ code, reason, wasClean }));
      ws.on('message', (data) => {
        seen.messages++;
        if (typeof data === 'string') {
          if (data.startsWith('close:')) {
            const [, code, reason] = data.split(':');
            ws.close(Number(code), reason);
            return;
          }
          if (data === 'fragments') {
            const stream = ws.stream('text');
            void stream.write('frag-');
            void stream.write('ment-');
            void stream.end('ed');
            return;
          }
          if (data === 'ping-me') {
            void ws.ping('from-server');
            return;
          }
        }
        void ws.send(data);
      });
    },
  };
}

/** A fresh observation record. */
export function observation(): ServerObservation {
  return { closes: [], pongs: [], messages: 0 };
}

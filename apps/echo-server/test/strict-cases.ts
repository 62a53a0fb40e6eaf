/**
 * Strict wire-order cases, after the Autobahn|Testsuite cases that a fuzzing harness judged only
 * NON-STRICT (3.2, 3.3, 4.1.3–4.1.5, 4.2.3–4.2.5, 5.15) and the close cases of 7.1: a valid message
 * and a bad frame (or a close) reach the endpoint in ONE write; the endpoint must echo what came
 * before, in order, and then close with the right code, and answer nothing that came after.
 *
 * The peer is a raw socket (no wskit code on this side): it writes the exact bytes and judges the
 * exact bytes it gets back, strictly — an echo missing, out of order or extra, a pong for a ping
 * that followed the bad frame, or a wrong close code fails the case. Exported as
 * `@wskit/echo-server/strict-cases` for the Autobahn client's tests (the client role).
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';

const encoder = new TextEncoder();
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One frame as the peer writes it. */
interface FrameSpec {
  readonly opcode: number;
  readonly payload?: string | Uint8Array;
  readonly fin?: boolean;
  readonly rsv?: number;
}

/**
 * What the endpoint must send back: its data frames (echoes) in order, its pongs in order (control
 * frames may go between data frames, RFC 6455 §5.4, so they are judged on their own), then a close.
 */
export interface StrictCase {
  readonly id: string;
  readonly description: string;
  readonly frames: readonly FrameSpec[];
  readonly expect: readonly { readonly opcode: number; readonly payload: string }[];
  /** The payloads of the pongs the endpoint must send (none by default). */
  readonly pongs?: readonly string[];
  /** The close code the endpoint must send. */
  readonly closeCode: number;
}

const text = (payload: string, fin = true, rsv = 0): FrameSpec => ({ opcode: 0x1, payload, fin, rsv });
const cont = (payload: string, fin = true): FrameSpec => ({ opcode: 0x0, payload, fin });
const ping = (payload = ''): FrameSpec => ({ opcode: 0x9, payload });
const close = (code: number): FrameSpec => ({ opcode: 0x8, payload: Uint8Array.of(code >> 8, code & 0xff) });
const echoOf = (payload: string) => ({ opcode: 0x1, payload });
const HELLO = 'Hello, world!';

/** The cases, numbered as the Autobahn cases they follow. */
export const strictCases: readonly StrictCase[] = [
  {
    id: '3.2',
    description: 'text, then text with RSV = 2, then ping',
    frames: [text(HELLO), text(HELLO, true, 0x20), ping()],
    expect: [echoOf(HELLO)],
    closeCode: 1002,
  },
  {
    id: '3.3',
    description: 'text, then text with RSV = 3, then ping',
    frames: [text(HELLO), text(HELLO, true, 0x30), ping()],
    expect: [echoOf(HELLO)],
    closeCode: 1002,
  },
  {
    id: '4.1.3',
    description: 'text, then reserved non-control opcode 5, then ping',
    frames: [text(HELLO), { opcode: 0x5 }, ping()],
    expect: [echoOf(HELLO)],
    closeCode: 1002,
  },
  {
    id: '4.1.4',
    description: 'text, then reserved non-control opcode 6 with payload, then ping',
    frames: [text(HELLO), { opcode: 0x6, payload: 'reserved' }, ping()],
    expect: [echoOf(HELLO)],
    closeCode: 1002,
  },
  {
    id: '4.1.5',
    description: 'text, then reserved non-control opcode 7 with payload, then ping',
    frames: [text(HELLO), { opcode: 0x7, payload: 'reserved' }, ping()],
    expect: [echoOf(HELLO)],
    closeCode: 1002,
  },
  {
    id: '4.2.3',
    description: 'text, then reserved control opcode 11, then ping',
    frames: [text(HELLO), { opcode: 0xb }, ping()],
    expect: [echoOf(HELLO)],
    closeCode: 1002,
  },
  {
    id: '4.2.4',
    description: 'text, then reserved control opcode 12 with payload, then ping',
    frames: [text(HELLO), { opcode: 0xc, payload: 'reserved' }, ping()],
    expect: [echoOf(HELLO)],
    closeCode: 1002,
  },
  {
    id: '4.2.5',
    description: 'text, then reserved control opcode 13 with payload, then ping',
    frames: [text(HELLO), { opcode: 0xd, payload: 'reserved' }, ping()],
    expect: [echoOf(HELLO)],
    closeCode: 1002,
  },
  {
    id: '5.15',
    description: 'a message in two fragments, a continuation with nothing to continue, a text',
    frames: [text('fragment1', false), cont('fragment2'), cont('fragment3', false), text('fragment4')],
    expect: [echoOf('fragment1fragment2')],
    closeCode: 1002,
  },
  {
    id: '7.1.1',
    description: 'text, then close',
    frames: [text('Hello World!'), close(1000)],
    expect: [echoOf('Hello World!')],
    closeCode: 1000,
  },
  {
    id: '7.1.2',
    description: 'close, then close again',
    frames: [close(1000), close(1000)],
    expect: [],
    closeCode: 1000,
  },
  {
    id: '7.1.3',
    description: 'close, then ping: no pong',
    frames: [close(1000), ping('after close')],
    expect: [],
    closeCode: 1000,
  },
  {
    id: '7.1.4',
    description: 'close, then text: no echo',
    frames: [close(1000), text('after close')],
    expect: [],
    closeCode: 1000,
  },
  {
    id: '7.1.5',
    description: 'first fragment, close, last fragment: the partial message is dropped',
    frames: [text('fragment1', false), close(1000), cont('fragment2')],
    expect: [],
    closeCode: 1000,
  },
  {
    id: 'wire.1',
    description: 'text, ping, binary, close: echo, pong, echo, close, in that order',
    frames: [text('one'), ping('p'), { opcode: 0x2, payload: 'two' }, close(1001)],
    expect: [echoOf('one'), { opcode: 0x2, payload: 'two' }],
    pongs: ['p'],
    closeCode: 1001,
  },
];

/** Encodes `spec`, masked with a random key when `mask` (a client's frames). */
export function encodeFrame(spec: FrameSpec, mask: boolean): Uint8Array {
  const payload =
    typeof spec.payload === 'string' ? encoder.encode(spec.payload) : (spec.payload ?? new Uint8Array(0));
  if (payload.length > 125) throw new Error('strict case frames are short');
  const head = Uint8Array.of(
    ((spec.fin ?? true) ? 0x80 : 0) | (spec.rsv ?? 0) | spec.opcode,
    (mask ? 0x80 : 0) | payload.length,
  );
  if (!mask) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  const masked = payload.map((byte, index) => byte ^ key[index & 3]!);
  return Buffer.concat([head, key, masked]);
}

/** A frame the endpoint sent. */
interface Received {
  readonly opcode: number;
  readonly fin: boolean;
  readonly payload: Buffer;
}

/** Parses whole frames (any masking, lengths up to 64 KiB) out of `bytes`; the rest is a problem. */
function parseFrames(bytes: Buffer, problems: string[]): Received[] {
  const frames: Received[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const first = bytes[at]!;
    const second = bytes[at + 1]!;
    let length = second & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      problems.push('a 64-bit length: not expected in these cases');
      return frames;
    }
    const masked = (second & 0x80) !== 0;
    const key = masked ? bytes.subarray(offset, offset + 4) : undefined;
    if (masked) offset += 4;
    if (offset + length > bytes.length) break;
    const payload = Buffer.from(bytes.subarray(offset, offset + length));
    if (key !== undefined) for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
    frames.push({ opcode: first & 0x0f, fin: (first & 0x80) !== 0, payload });
    at = offset + length;
  }
  if (at !== bytes.length) problems.push(`${bytes.length - at} bytes after the last whole frame`);
  return frames;
}

/** Judges what the endpoint sent back for `testCase`, strictly: a list of problems (empty: OK). */
export function judge(testCase: StrictCase, bytes: Buffer): string[] {
  const problems: string[] = [];
  const frames = parseFrames(bytes, problems);
  const data = frames.filter((frame) => frame.opcode < 0x8);
  const pongs = frames.filter((frame) => frame.opcode === 0xa).map((frame) => frame.payload.toString('utf8'));
  const others = frames.filter(
    (frame) => frame.opcode !== 0x8 && frame.opcode !== 0xa && frame.opcode >= 0x8,
  );
  if (others.length > 0)
    problems.push(`unexpected control frames: ${others.map((frame) => frame.opcode).join(', ')}`);
  if (pongs.join('|') !== (testCase.pongs ?? []).join('|')) {
    problems.push(`pongs [${pongs.join(', ')}], expected [${(testCase.pongs ?? []).join(', ')}]`);
  }
  const closeAt = frames.findIndex((frame) => frame.opcode === 0x8);
  if (closeAt === -1) problems.push('no close frame');
  else {
    if (closeAt !== frames.length - 1) problems.push('frames after the close frame');
    const payload = frames[closeAt]!.payload;
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
    if (code !== testCase.closeCode) problems.push(`closed with ${code}, expected ${testCase.closeCode}`);
  }
  const got = data.map((frame) => `${frame.opcode}:${frame.payload.toString('utf8')}`);
  const want = testCase.expect.map((frame) => `${frame.opcode}:${frame.payload}`);
  if (got.join('|') !== want.join('|'))
    problems.push(`sent [${got.join(', ')}], expected [${want.join(', ')}]`);
  return problems;
}

/** Collects what `socket` sends until it ends (or `timeout` passes: a problem). */
function collect(socket: Socket, timeout: number): Promise<{ bytes: Buffer; timedOut: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ bytes: Buffer.concat(chunks), timedOut: true });
    }, timeout);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ bytes: Buffer.concat(chunks), timedOut: false });
    });
  });
}

/** Reads an HTTP head off `socket`; resolves with it and the bytes after it. */
function readHead(socket: Socket): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.pause();
      resolve({ head: buffered.subarray(0, end).toString('latin1'), rest: buffered.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

const accept = (key: string) =>
  createHash('sha1')
    .update(key + GUID)
    .digest('base64');

/**
 * Server role: runs `testCase` against the WebSocket server at `url` from a raw socket; resolves
 * with the problems (empty: strict OK).
 */
export async function runAgainstServer(
  url: string,
  testCase: StrictCase,
  timeout = 10_000,
): Promise<string[]> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const { head, rest } = await readHead(socket);
  if (!head.startsWith('HTTP/1.1 101') || !head.includes(accept(key))) return [`handshake refused: ${head}`];
  const collected = collect(socket, timeout);
  if (rest.length > 0) socket.emit('data', rest);
  socket.resume();
  // Every frame in ONE write: the endpoint reads them in one chunk.
  socket.write(Buffer.concat(testCase.frames.map((frame) => encodeFrame(frame, true))));
  const { bytes, timedOut } = await collected;
  const problems = judge(testCase, bytes);
  if (timedOut) problems.push('the server did not close the connection');
  return problems;
}

/**
 * Client role: a raw fuzzing server with Autobahn's three endpoints (`/getCaseCount`,
 * `/runCase?case=N`, `/updateReports`). Case N (1-based) is `cases[N - 1]`, written in one write
 * right after the 101; `results` gets each case's problems (empty: strict OK).
 */
export class StrictFuzzingServer {
  readonly results = new Map<string, string[]>();
  readonly #cases: readonly StrictCase[];
  readonly #server: Server;

  constructor(cases: readonly StrictCase[]) {
    this.#cases = cases;
    this.#server = createServer((socket) => {
      void this.#serve(socket).catch(() => socket.destroy());
    });
  }

  /** Listens on a free loopback port; resolves with the base URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `ws://127.0.0.1:${address.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #serve(socket: Socket): Promise<void> {
    const { head } = await readHead(socket);
    const target = /^GET (\S+) HTTP\/1\.1/.exec(head)?.[1] ?? '/';
    const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Accept: ${accept(key)}\r\n\r\n`,
    );
    const { pathname, searchParams } = new URL(target, 'http://x');
    const collected = collect(socket, 10_000);
    socket.resume();
    if (pathname === '/getCaseCount') {
      socket.write(
        Buffer.concat([
          encodeFrame(text(String(this.#cases.length)), false),
          encodeFrame(close(1000), false),
        ]),
      );
      await collected;
      return;
    }
    if (pathname === '/runCase') {
      const testCase = this.#cases[Number(searchParams.get('case')) - 1];
      if (testCase === undefined) {
        socket.destroy();
        return;
      }
      socket.write(Buffer.concat(testCase.frames.map((frame) => encodeFrame(frame, false))));
      // The client's answer ends with its close frame; a server then ends the TCP connection.
      const ender = setInterval(() => {
        if (received.some((chunk) => chunk.includes(0x88))) {
          const problems: string[] = [];
          const frames = parseFrames(Buffer.concat(received), problems);
          if (frames.some((frame) => frame.opcode === 0x8)) socket.end();
        }
      }, 20);
      const received: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      const { bytes, timedOut } = await collected;
      clearInterval(ender);
      const problems = judge(testCase, bytes);
      if (timedOut) problems.push('the connection did not end');
      this.results.set(testCase.id, problems);
      return;
    }
    socket.write(encodeFrame(close(1000), false)); // /updateReports
    await collected;
  }
}

/**
 * The two sides of a fuzzing run, from raw sockets (no wskit code): a client that runs cases against
 * a WebSocket server (the server role), and a fuzzing server with Autobahn's endpoints for a client
 * under test (the client role: `/getCaseCount`, `/runCase?case=N`, `/updateReports`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { FuzzCase } from './case-types.ts';
import { encodeFrame, Opcode } from './frames.ts';
import { type CaseResult, runCase } from './peer.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const accept = (key: string) =>
  createHash('sha1')
    .update(key + GUID)
    .digest('base64');

/** Reads an HTTP head off `socket`, then pauses it; resolves with the head and the bytes after it. */
function readHead(socket: Socket): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.off('error', reject);
      socket.pause();
      resolve({ head: buffered.subarray(0, end).toString('latin1'), rest: buffered.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

const failed = (id: string, problem: string): CaseResult => ({
  id,
  verdict: 'FAILED',
  behavior: 'FAILED',
  behaviorClose: 'FAILED',
  problems: [problem],
  received: [],
  closeCode: undefined,
  milliseconds: 0,
});

/** Server role: runs `testCase` against the WebSocket server at `url`. Never throws. */
export async function runAgainstServer(url: string, testCase: FuzzCase): Promise<CaseResult> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  try {
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
    if (!head.startsWith('HTTP/1.1 101') || !head.includes(accept(key))) {
      socket.destroy();
      return failed(testCase.id, `handshake refused: ${head.split('\r\n')[0]}`);
    }
    return await runCase(socket, testCase, 'server', rest);
  } catch (error) {
    socket.destroy();
    return failed(testCase.id, `no connection: ${(error as Error).message}`);
  }
}

/**
 * Client role: a fuzzing server speaking Autobahn's protocol. Case N (1-based) is `cases[N - 1]`;
 * `results` gets each case's result as it ends.
 */
export class FuzzingServer {
  readonly results = new Map<string, CaseResult>();
  readonly #cases: readonly FuzzCase[];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(cases: readonly FuzzCase[]) {
    this.#cases = cases;
    this.#server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
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
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #serve(socket: Socket): Promise<void> {
    const { head, rest } = await readHead(socket);
    const target = /^GET (\S+) HTTP\/1\.1/.exec(head)?.[1] ?? '/';
    const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept(key)}\r\n\r\n`,
    );
    const { pathname, searchParams } = new URL(target, 'http://x');
    if (pathname === '/runCase') {
      const testCase = this.#cases[Number(searchParams.get('case')) - 1];
      if (testCase === undefined) {
        socket.destroy();
        return;
      }
      this.results.set(testCase.id, await runCase(socket, testCase, 'client', rest));
      return;
    }
    // /getCaseCount: the count, then a close; /updateReports: a close. The client answers it.
    const frames = [];
    if (pathname === '/getCaseCount') {
      frames.push(
        encodeFrame({ opcode: Opcode.text, payload: Buffer.from(String(this.#cases.length)) }, false),
      );
    }
    frames.push(encodeFrame({ opcode: Opcode.close, payload: Uint8Array.of(0x03, 0xe8) }, false));
    socket.resume();
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      if (chunk.includes(0x88)) socket.end();
    });
    socket.write(Buffer.concat(frames));
  }
}

/**
 * A stand-in for Autobahn|Testsuite's fuzzing server (`wstest -m fuzzingserver`), which cannot run
 * here: the same three endpoints on @wskit/node's server. `/getCaseCount` answers the case count as
 * one text message; `/runCase?case=N&agent=A` sends case N's messages (text, binary, fragmented,
 * large, with pings), checks every echo byte for byte and records what was wrong, then closes with
 * 1000; `/updateReports?agent=A` closes with 1000.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocketServerOptions, type WebSocketSession } from '@wskit/node';

const MiB = 1024 * 1024;
const encoder = new TextEncoder();
/** Keeps a leading BOM (U+FEFF), as the codec does: the default TextDecoder would drop it. */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** A message the mock sends and expects back. */
export interface Sent {
  readonly type: 'text' | 'binary';
  readonly bytes: Uint8Array;
}

/** Receives what the client under test sends back and notes every difference. */
export class EchoChecker {
  readonly problems: string[] = [];
  readonly #received: (string | Uint8Array)[] = [];
  readonly #waiters: (() => void)[] = [];
  readonly #session: WebSocketSession;
  #closed = false;

  constructor(session: WebSocketSession) {
    this.#session = session;
    session.on('message', (data) => {
      this.#received.push(data);
      this.#waiters.shift()?.();
    });
    session.on('close', () => {
      this.#closed = true;
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Waits for the next echo and compares it with `sent`: type, length, every byte. */
  async expectEcho(sent: Sent, label: string, timeout = 5000): Promise<void> {
    if (this.#received.length === 0 && !this.#closed) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        timer = setTimeout(resolve, timeout);
      });
      clearTimeout(timer);
    }
    const echoed = this.#received.shift();
    if (echoed === undefined) {
      this.problems.push(`${label}: no echo`);
      return;
    }
    const type = typeof echoed === 'string' ? 'text' : 'binary';
    if (type !== sent.type) {
      this.problems.push(`${label}: echoed as ${type}, sent as ${sent.type}`);
      return;
    }
    const bytes = typeof echoed === 'string' ? encoder.encode(echoed) : echoed;
    if (bytes.length !== sent.bytes.length) {
      this.problems.push(`${label}: ${bytes.length} bytes echoed, ${sent.bytes.length} sent`);
      return;
    }
    const differs = Buffer.compare(Buffer.from(bytes), Buffer.from(sent.bytes)) !== 0;
    if (differs) this.problems.push(`${label}: the bytes differ`);
  }

  /** Sends a ping and checks the pong's payload. */
  async expectPong(payload: string, label: string): Promise<void> {
    const pong = new Promise<Uint8Array | undefined>((resolve) => {
      this.#session.once('pong', resolve);
      setTimeout(() => resolve(undefined), 5000);
    });
    await this.#session.ping(payload);
    const answer = await pong;
    if (answer === undefined) this.problems.push(`${label}: no pong`);
    else if (new TextDecoder().decode(answer) !== payload) this.problems.push(`${label}: wrong pong payload`);
  }
}

/** One case: sends, checks through `checker`; the mock closes with 1000 when it resolves. */
export type MockCase = (session: WebSocketSession, checker: EchoChecker) => Promise<void>;

function text(value: string): Sent {
  return { type: 'text', bytes: encoder.encode(value) };
}

function binary(bytes: Uint8Array): Sent {
  return { type: 'binary', bytes };
}

function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 31 + seed) & 0xff;
  return bytes;
}

/** Sends each message whole, then checks the echoes in order. */
async function sendAll(session: WebSocketSession, checker: EchoChecker, messages: [string, Sent][]) {
  for (const [, sent] of messages) {
    void session.send(sent.type === 'text' ? decoder.decode(sent.bytes) : sent.bytes);
  }
  for (const [label, sent] of messages) await checker.expectEcho(sent, label);
}

/** The three cases `/getCaseCount` announces by default. */
export const standardCases: readonly MockCase[] = [
  // 1: text and binary, 0 B of each, a BOM and multi-byte characters (kept as they are).
  (session, checker) =>
    sendAll(session, checker, [
      ['text', text('Hello, Autobahn')],
      ['binary', binary(pattern(256, 0))],
      ['empty text', text('')],
      ['empty binary', binary(new Uint8Array(0))],
      ['BOM and multi-byte text', text('\uFEFFκόσμε 日本 🎉')],
    ]),
  // 2: fragmented text split inside a code point with a ping between the fragments; binary in 5000
  // fragments (more than the session default of 4096).
  async (session, checker) => {
    const fragmented = text('fragments: é, 🎉, end');
    const stream = session.stream('text');
    await stream.write(fragmented.bytes.subarray(0, 12)); // ends inside 'é'
    await checker.expectPong('between fragments', 'ping between fragments');
    await stream.write(fragmented.bytes.subarray(12, 17)); // ends inside '🎉'
    await stream.end(fragmented.bytes.subarray(17));
    await checker.expectEcho(fragmented, 'fragmented text');
    const many = binary(pattern(5000 * 16, 7));
    const binaryStream = session.stream('binary');
    for (let offset = 0; offset < many.bytes.length; offset += 16) {
      void binaryStream.write(many.bytes.subarray(offset, offset + 16));
    }
    await binaryStream.end();
    await checker.expectEcho(many, 'binary in 5000 fragments');
  },
  // 3: large: 16 MiB + 1 byte of binary (over the session default) and 4 MiB of multi-byte text.
  (session, checker) =>
    sendAll(session, checker, [
      ['16 MiB + 1 binary', binary(pattern(16 * MiB + 1, 3))],
      ['4 MiB text', text('é'.repeat(2 * MiB))],
    ]),
];

/** What reached the mock, in order. */
export interface MockRequest {
  readonly endpoint: string;
  readonly case?: number | undefined;
  readonly agent?: string | undefined;
}

/** A case the mock ran: whom for and what was wrong (nothing when `problems` is empty). */
export interface MockCaseRun {
  readonly case: number;
  readonly agent: string;
  readonly problems: readonly string[];
  /** The extensions in use (`Sec-WebSocket-Extensions` of the 101), `''` for none. */
  readonly extensions: string;
}

export interface MockFuzzingServerOptions {
  /** The cases (default {@link standardCases}). */
  readonly cases?: readonly MockCase[];
  /** What `/getCaseCount` sends (default the number of cases, as text). */
  readonly countAnswer?: string | Uint8Array;
  /** Cases whose `/runCase` handshake is refused with 500. */
  readonly refuse?: readonly number[];
  /** Accept permessage-deflate (@wskit/node's `perMessageDeflate`, where it has that option). */
  readonly deflate?: boolean;
}

export interface MockFuzzingServer {
  /** `ws://127.0.0.1:<port>`, the `--base` of the client. */
  readonly base: string;
  readonly requests: readonly MockRequest[];
  /** Every case run, in the order they finished. */
  readonly runs: readonly MockCaseRun[];
  /** Resolves once `/updateReports` was served. */
  readonly reportsUpdated: Promise<MockRequest>;
  close(): Promise<void>;
}

/** The request's URL: `request.url` on HTTP/1.1 and HTTP/2 requests alike. */
function parseRequest(request: Pick<IncomingMessage, 'url'>): MockRequest {
  const url = new URL(request.url ?? '/', 'ws://mock');
  const position = url.searchParams.get('case');
  return {
    endpoint: url.pathname.slice(1),
    case: position === null ? undefined : Number(position),
    agent: url.searchParams.get('agent') ?? undefined,
  };
}

/** Starts the mock on a free loopback port. */
export async function startMockFuzzingServer(
  options: MockFuzzingServerOptions = {},
): Promise<MockFuzzingServer> {
  const cases = options.cases ?? standardCases;
  const requests: MockRequest[] = [];
  const runs: MockCaseRun[] = [];
  let reportsDone!: (request: MockRequest) => void;
  const reportsUpdated = new Promise<MockRequest>((resolve) => {
    reportsDone = resolve;
  });
  const serverOptions: WebSocketServerOptions & { perMessageDeflate?: boolean } = {
    ...(options.deflate ? { perMessageDeflate: true } : {}),
    port: 0,
    host: '127.0.0.1',
    maxMessageSize: 64 * MiB,
    maxFrameSize: 64 * MiB,
    maxFragments: 100_000,
    verify(request) {
      const parsed = parseRequest(request);
      requests.push(parsed);
      const refused = parsed.endpoint === 'runCase' && options.refuse?.includes(parsed.case ?? -1);
      return refused ? { status: 500, body: 'refused by the mock' } : true;
    },
  };
  const server = new WebSocketServer(serverOptions);
  server.on('connection', (session, request) => {
    const parsed = parseRequest(request);
    if (parsed.endpoint === 'getCaseCount') {
      void session.send(options.countAnswer ?? String(cases.length));
      session.close(1000);
    } else if (parsed.endpoint === 'runCase') {
      const position = parsed.case ?? 0;
      const run = cases[position - 1];
      const checker = new EchoChecker(session);
      if (run === undefined) checker.problems.push(`no case ${position}`);
      void (run ?? (async () => {}))(session, checker).then(() => {
        runs.push({
          case: position,
          agent: parsed.agent ?? '',
          problems: checker.problems,
          extensions: session.extensions,
        });
        session.close(1000);
      });
    } else if (parsed.endpoint === 'updateReports') {
      session.close(1000);
      reportsDone(parsed);
    } else {
      session.close(1008, 'unknown endpoint');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    base: `ws://127.0.0.1:${server.port}`,
    requests,
    runs,
    reportsUpdated,
    close: () => server.close(),
  };
}

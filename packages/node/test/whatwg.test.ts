// The WHATWG cases of @wskit/transport/testing (the WebSocket class and WebSocketStream, each from a
// step of the standard) against this package's classes over TCP on loopback; Node's "refable"
// behaviour in a child process; WebSocketStream's backpressure over TCP; and the client's default
// permessage-deflate offer.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  CloseEvent,
  connect,
  createServer,
  ErrorEvent,
  MessageEvent,
  WebSocket,
  type WebSocketServer,
  type WebSocketSession,
  WebSocketStream,
} from '@wskit/node';
import {
  type StandardEnv,
  serveConformance,
  standardCases,
  standardSelectProtocol,
} from '@wskit/transport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defer, until, untilSteady } from './helpers.js';

describe('the WHATWG cases over TCP', () => {
  const server = createServer(
    { port: 0, host: '127.0.0.1', selectProtocol: standardSelectProtocol },
    (ws, request) => void serveConformance(ws, request.url ?? '/'),
  );
  let env: StandardEnv;
  beforeAll(async () => {
    if (server.port === undefined) await once(server, 'listening');
    env = {
      WebSocket,
      WebSocketStream,
      CloseEvent,
      MessageEvent,
      ErrorEvent,
      url: (path) => `ws://127.0.0.1:${server.port}${path}`,
    };
  });
  afterAll(() => server.close());

  for (const testCase of standardCases) {
    it(testCase.name, async () => {
      await testCase.run(env);
    }, 20_000);
  }
});

/** A server whose latest session the test can drive. */
async function sessionServer(options: Parameters<typeof createServer>[0] = {}): Promise<{
  server: WebSocketServer;
  url: string;
  session: () => Promise<WebSocketSession>;
  requests: { extensions: string | undefined }[];
}> {
  const sessions: WebSocketSession[] = [];
  const requests: { extensions: string | undefined }[] = [];
  const server = createServer({ port: 0, host: '127.0.0.1', ...options }, (ws, request) => {
    sessions.push(ws);
    requests.push({ extensions: request.headers['sec-websocket-extensions'] });
  });
  defer(() => server.close());
  await once(server, 'listening');
  return {
    server,
    url: `ws://127.0.0.1:${server.port}/`,
    session: async () => {
      await until(() => sessions.length > 0);
      return sessions[sessions.length - 1]!;
    },
    requests,
  };
}

describe("Node's refable WebSocket", () => {
  /** Runs `script` (an ES module) in a child Node with the server's URL; its stdout lines. */
  function child(
    script: string,
    url: string,
    onLine: (line: string) => void,
  ): Promise<{ code: number | null; lines: string[] }> {
    const process_ = spawn(process.execPath, ['--input-type=module', '-e', script, url], {
      cwd: import.meta.dirname,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000, // a child the WebSocket keeps alive is killed: the test then fails
    });
    const lines: string[] = [];
    let stderr = '';
    process_.stdout.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n').filter(Boolean)) {
        lines.push(line);
        onLine(line);
      }
    });
    process_.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    return new Promise((resolve, reject) => {
      process_.on('error', reject);
      process_.on('close', (code) =>
        code === 0 ? resolve({ code, lines }) : reject(new Error(`exit ${code}: ${stderr}`)),
      );
    });
  }

  it('process.unref(ws) lets the process exit while the WebSocket is open', async () => {
    const { url, session } = await sessionServer();
    // The child opens a WebSocket, unrefs it once open and does nothing else: it must exit by itself.
    const script = `
      import { WebSocket } from '@wskit/node';
      // process.ref/unref (Node 22.14+) call these methods; before, call them directly.
      const unref = (ws) => (process.unref ? process.unref(ws) : ws[Symbol.for('nodejs.unref')]());
      const ref = (ws) => (process.ref ? process.ref(ws) : ws[Symbol.for('nodejs.ref')]());
      const ws = new WebSocket(process.argv[1]);
      ws.onopen = () => { unref(ws); console.log('open ' + ws.readyState); };
      ws.onclose = () => console.log('closed');`;
    const result = await child(script, url, () => {});
    expect(result.lines).toEqual(['open 1']);
    expect((await session()).readyState).toBeLessThanOrEqual(3);
  }, 30_000);

  it('process.ref(ws) after unref keeps it alive again', async () => {
    const { url, session } = await sessionServer();
    const script = `
      import { WebSocket } from '@wskit/node';
      // process.ref/unref (Node 22.14+) call these methods; before, call them directly.
      const unref = (ws) => (process.unref ? process.unref(ws) : ws[Symbol.for('nodejs.unref')]());
      const ref = (ws) => (process.ref ? process.ref(ws) : ws[Symbol.for('nodejs.ref')]());
      const ws = new WebSocket(process.argv[1]);
      unref(ws);
      ws.onopen = () => { ref(ws); console.log('open'); };
      ws.onmessage = (event) => { console.log('message ' + event.data); ws.close(); };`;
    // Without ref the child would exit before the server's message: it would never print it.
    const result = await child(script, url, (line) => {
      if (line === 'open') void session().then((ws) => ws.send('still here'));
    });
    expect(result.lines).toEqual(['open', 'message still here']);
  }, 30_000);
});

describe('WebSocketStream over TCP', () => {
  it('stops reading while the app does not read: the server is pushed back; then all arrives in order', async () => {
    const { url, session } = await sessionServer({ highWaterMark: 16 * 1024 });
    const wss = new WebSocketStream(url);
    const { readable } = await wss.opened;
    const server = await session();
    const count = 512;
    const size = 64 * 1024; // 32 MiB in all: more than every socket buffer on the way holds
    let sent = 0;
    const sending = (async () => {
      for (; sent < count; sent++) await server.send(new Uint8Array(size).fill(sent & 0xff));
    })();
    // The server's sends stop progressing well short of the whole: the client stopped reading from
    // its socket (had it kept reading, all 32 MiB would have gone into its memory).
    await untilSteady(() => sent);
    expect(server.needsDrain).toBe(true);
    expect(sent).toBeLessThan(count);
    const reader = readable.getReader();
    for (let index = 0; index < count; index++) {
      const { value } = await reader.read();
      expect((value as Uint8Array).length).toBe(size);
      expect((value as Uint8Array)[size - 1]).toBe(index & 0xff);
    }
    await sending;
    wss.close({ closeCode: 1000 });
    expect(await wss.closed).toEqual({ closeCode: 1000, reason: '' });
  }, 60_000);
});

describe('the client offers permessage-deflate by default', () => {
  it('connect() offers it; a server that accepts it compresses; perMessageDeflate: false offers nothing', async () => {
    const accepting = await sessionServer({ perMessageDeflate: true });
    const ws = await connect(accepting.url);
    defer(() => ws.close());
    expect(accepting.requests[0]!.extensions).toMatch(/^permessage-deflate/);
    expect(ws.extensions).toMatch(/^permessage-deflate/);
    const server = await accepting.session();
    expect(server.extensions).toMatch(/^permessage-deflate/);
    const echoed = new Promise((resolve) => ws.once('message', resolve));
    void server.send('x'.repeat(10_000));
    expect(await echoed).toBe('x'.repeat(10_000));
    const off = await connect(accepting.url, { perMessageDeflate: false });
    defer(() => off.close());
    expect(accepting.requests[1]!.extensions).toBeUndefined();
    expect(off.extensions).toBe('');
  });

  it('the server stays off by default: the offer is declined', async () => {
    const plain = await sessionServer();
    const ws = await connect(plain.url);
    defer(() => ws.close());
    expect(plain.requests[0]!.extensions).toMatch(/^permessage-deflate/);
    expect(ws.extensions).toBe('');
  });

  it('the WHATWG classes offer it too', async () => {
    const accepting = await sessionServer({ perMessageDeflate: true });
    const ws = new WebSocket(accepting.url);
    defer(() => ws.close());
    await new Promise((resolve) => {
      ws.onopen = resolve;
    });
    expect(ws.extensions).toMatch(/^permessage-deflate/);
    const wss = new WebSocketStream(accepting.url);
    defer(() => wss.close());
    expect((await wss.opened).extensions).toMatch(/^permessage-deflate/);
  });
});

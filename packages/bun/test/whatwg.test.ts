// The WHATWG cases of @wskit/transport/testing (the WebSocket class and WebSocketStream, each from a
// step of the standard) under the real Bun binary, against a serve() server on loopback; "refable"
// in a child Bun process; WebSocketStream's backpressure over TCP.
import { afterAll, describe, expect, it } from 'bun:test';
import {
  CloseEvent,
  ErrorEvent,
  MessageEvent,
  serve,
  WebSocket,
  type WebSocketSession,
  WebSocketStream,
} from '@wskit/bun';
import {
  type StandardEnv,
  serveConformance,
  standardCases,
  standardSelectProtocol,
} from '@wskit/transport/testing';
import { defer, until } from './helpers.js';

describe('the WHATWG cases over TCP', () => {
  const server = serve({ hostname: '127.0.0.1', selectProtocol: standardSelectProtocol }, (ws, request) => {
    void serveConformance(ws, request.target);
  });
  afterAll(() => server.close());
  const env: StandardEnv = {
    WebSocket,
    WebSocketStream,
    CloseEvent,
    MessageEvent,
    ErrorEvent,
    url: (path) => `ws://127.0.0.1:${server.port}${path}`,
  };
  for (const testCase of standardCases) {
    it(testCase.name, async () => {
      await testCase.run(env);
    }, 20_000);
  }
});

/** A serve() server whose sessions the test can drive. */
function sessionServer(options: Parameters<typeof serve>[0] = {}) {
  const sessions: WebSocketSession[] = [];
  const server = serve({ hostname: '127.0.0.1', ...options }, (ws) => {
    sessions.push(ws);
  });
  defer(() => server.close());
  return {
    url: `ws://127.0.0.1:${server.port}/`,
    session: async () => {
      await until(() => sessions.length > 0, 10_000);
      return sessions[sessions.length - 1]!;
    },
  };
}

/** Resolves once `value()` stayed the same over ten polls 20 ms apart (a stalled sender). */
async function untilSteady(value: () => number): Promise<void> {
  let last = value();
  for (let steady = 0; steady < 10; ) {
    await Bun.sleep(20);
    const now = value();
    steady = now === last ? steady + 1 : 0;
    last = now;
  }
}

describe('refable', () => {
  it('an unref’d WebSocket lets Bun exit while it is open; ref() keeps it alive', async () => {
    const { url, session } = sessionServer();
    const run = async (script: string, onLine: (line: string) => void = () => {}) => {
      const child = Bun.spawn([process.execPath, '-e', script, url], {
        cwd: import.meta.dir,
        stdout: 'pipe',
        stderr: 'pipe',
        timeout: 20_000, // a child the WebSocket keeps alive is killed: the test then fails
      });
      const lines: string[] = [];
      const decoder = new TextDecoder();
      for await (const chunk of child.stdout) {
        for (const line of decoder.decode(chunk).split('\n').filter(Boolean)) {
          lines.push(line);
          onLine(line);
        }
      }
      const code = await child.exited;
      return { code, lines, stderr: await new Response(child.stderr).text() };
    };
    const unrefd = await run(`
      import { WebSocket } from '@wskit/bun';
      const ws = new WebSocket(process.argv.at(-1));
      ws.onopen = () => { ws[Symbol.for('nodejs.unref')](); console.log('open ' + ws.readyState); };`);
    expect(unrefd.stderr).toBe('');
    expect([unrefd.code, ...unrefd.lines]).toEqual([0, 'open 1']);
    const refd = await run(
      `
      import { WebSocket } from '@wskit/bun';
      const ws = new WebSocket(process.argv.at(-1));
      ws[Symbol.for('nodejs.unref')]();
      ws.onopen = () => { ws[Symbol.for('nodejs.ref')](); console.log('open'); };
      ws.onmessage = (event) => { console.log('message ' + event.data); ws.close(); };`,
      (line) => {
        if (line === 'open') void session().then((ws) => ws.send('still here'));
      },
    );
    expect([refd.code, ...refd.lines]).toEqual([0, 'open', 'message still here']);
  }, 60_000);
});

describe('WebSocketStream over TCP', () => {
  it('stops reading while the app does not read: the server is pushed back; then all arrives in order', async () => {
    const { url, session } = sessionServer({ highWaterMark: 16 * 1024 });
    const wss = new WebSocketStream(url);
    const { readable } = await wss.opened;
    const server = await session();
    const count = 512;
    const size = 64 * 1024;
    let sent = 0;
    const sending = (async () => {
      for (; sent < count; sent++) await server.send(new Uint8Array(size).fill(sent & 0xff));
    })();
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

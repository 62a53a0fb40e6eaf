/**
 * The Worker inside real workerd (Miniflare), driven from Node: bundled as wrangler would (esbuild,
 * the `workerd` condition), talking over `cloudflare:sockets` to a @wskit/node echo server on
 * loopback (port 0). Also `start`, as a child process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect, createServer, type WebSocketServer } from '@wskit/node';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDirectory, bundleWorker } from '../scripts/bundle.ts';
import { runWorker } from '../scripts/miniflare.ts';

async function listening(server: WebSocketServer): Promise<number> {
  if (server.port === undefined) await once(server, 'listening');
  return server.port!;
}

describe('worker-example in workerd (Miniflare)', () => {
  const servers: WebSocketServer[] = [];
  let worker: Miniflare;
  let echoUrl: string;
  let refusingUrl: string;

  beforeAll(async () => {
    const echo = createServer({ port: 0, host: '127.0.0.1', protocols: ['chat'] }, (ws) => {
      ws.on('message', (message) => void ws.send(message).catch(() => {}));
    });
    const refusing = createServer({
      port: 0,
      host: '127.0.0.1',
      verify: () => ({ status: 401, body: 'no entry' }),
    });
    refusing.on('rejected', () => {});
    servers.push(echo, refusing);
    echoUrl = `ws://127.0.0.1:${await listening(echo)}/echo`;
    refusingUrl = `ws://127.0.0.1:${await listening(refusing)}/`;
    worker = runWorker(await bundleWorker(), { bindings: { UPSTREAM_URL: echoUrl } });
    await worker.ready;
  }, 30_000);

  afterAll(async () => {
    await worker?.dispose();
    await Promise.all(servers.map((server) => server.close()));
  });

  async function get(query: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await worker.dispatchFetch(`http://localhost/?${query}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('sends the message and answers with the first reply', async () => {
    const result = await get(
      `url=${encodeURIComponent(echoUrl)}&message=${encodeURIComponent('hello, 世界')}`,
    );
    expect(result).toEqual({
      status: 200,
      body: { sent: 'hello, 世界', received: 'hello, 世界', type: 'text', protocol: '', closeCode: 1000 },
    });
  });

  it('offers subprotocols and reports the one selected', async () => {
    const result = await get(`url=${encodeURIComponent(echoUrl)}&protocol=chat&protocol=other`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      sent: 'hello',
      received: 'hello',
      protocol: 'chat',
      closeCode: 1000,
    });
  });

  it('answers 502 with the status when the server refuses, and 400 without a ws: url', async () => {
    const refused = await get(`url=${encodeURIComponent(refusingUrl)}`);
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ status: 401, code: 'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS' });
    expect((await get('')).status).toBe(400);
    expect((await get('url=http://example.com/')).status).toBe(400);
    expect((await worker.dispatchFetch('http://localhost/nowhere')).status).toBe(404);
  });

  it('bridges a WebSocket to UPSTREAM_URL, and answers 426 to a plain request', async () => {
    const endpoint = await worker.ready;
    const client = await connect(`ws://127.0.0.1:${endpoint.port}/bridge`);
    const next = () => new Promise<string | Uint8Array>((resolve) => client.once('message', resolve));
    for (const message of ['through the bridge', Uint8Array.of(1, 2, 3), new Uint8Array(100_000).fill(9)]) {
      const [echoed] = await Promise.all([next(), client.send(message)]);
      // Binary may come as a Buffer (a Uint8Array): compare the bytes, not the class.
      expect(typeof echoed === 'string' ? echoed : new Uint8Array(echoed)).toEqual(message);
    }
    client.close(4001, 'bye');
    expect(await client.closed).toMatchObject({ code: 4001, wasClean: true });
    expect((await worker.dispatchFetch('http://localhost/bridge')).status).toBe(426);
  });
});

describe('start', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('serves the Worker on a local port, prints the URL, and stops on SIGTERM', async () => {
    const echo = createServer({ port: 0, host: '127.0.0.1' }, (ws) => {
      ws.on('message', (message) => void ws.send(message).catch(() => {}));
    });
    try {
      const echoUrl = `ws://127.0.0.1:${await listening(echo)}/`;
      child = spawn(process.execPath, [join(appDirectory, 'scripts', 'start.ts'), '--port', '0'], {
        cwd: appDirectory,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: child.stdout! });
      let url: string | undefined;
      for await (const line of lines) {
        url = /listening on (\S+)/.exec(line)?.[1];
        if (url !== undefined) break;
      }
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const response = await fetch(`${url}?url=${encodeURIComponent(echoUrl)}&message=started`);
      expect(await response.json()).toMatchObject({ sent: 'started', received: 'started', closeCode: 1000 });
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      expect(code === 143 || code === 0 || signal === 'SIGTERM').toBe(true);
      child = undefined;
    } finally {
      await echo.close();
    }
  });
});

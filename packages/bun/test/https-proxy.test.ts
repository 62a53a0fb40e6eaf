// https: proxies on Bun: TLS to the proxy (its own certificate, trusted with proxyTls), CONNECT, and
// for a wss: server a second TLS session inside the tunnel (TLS in TLS, through node:tls, since
// Bun's upgradeTLS returns undefined on a TLS socket). The proxy is a real one (Bun.listen with TLS)
// and the servers are ours, with TLS for wss:.
import { describe, expect, it } from 'bun:test';
import {
  type ConnectOptions,
  connect,
  type HandshakeFailedError,
  serve,
  type WebSocketSession,
} from '@wskit/bun';
import {
  certificate,
  connectProxy,
  defer,
  pattern,
  privateKey,
  proxyCertificate,
  rejection,
  until,
} from './helpers.js';

/** One of our echo servers (`wss:` with the fixture certificate when `secure`), recording each request's `Authorization`. */
function echoServer(secure: boolean) {
  const authorizations: (string | undefined)[] = [];
  const server = serve(
    { hostname: '127.0.0.1', ...(secure ? { tls: { key: privateKey, cert: certificate } } : {}) },
    (ws, request) => {
      authorizations.push(request.headers.get('authorization'));
      ws.on('message', (data) => void ws.send(data).catch(() => {}));
    },
  );
  defer(() => server.close());
  return { authorizations, port: server.port };
}

/** Sends `message` and resolves with the next message; rejects if the connection closes first. */
async function echo(ws: WebSocketSession, message: string | Uint8Array) {
  let closed!: (code: number) => void;
  try {
    const [received] = await Promise.race([
      Promise.all([new Promise<unknown>((resolve) => ws.once('message', resolve)), ws.send(message)]),
      new Promise<never>((_resolve, reject) => {
        closed = (code) => reject(new Error(`the connection closed (${code}) before the echo`));
        ws.once('close', closed);
      }),
    ]);
    return received;
  } finally {
    ws.off('close', closed);
  }
}

/** Trusts the proxy's certificate (another one than the servers'). */
const proxyTls = { ca: proxyCertificate };

/**
 * Connects to our wss: server on `port` through a new https: proxy (TLS in TLS), trusting both
 * certificates; terminated after the test.
 */
async function connectInTunnel(port: number, options: ConnectOptions = {}) {
  const proxy = connectProxy(undefined, { tls: true });
  const ws = await connect(`wss://localhost:${port}/`, {
    proxy: proxy.url,
    proxyTls,
    tls: { ca: certificate },
    ...options,
  });
  defer(() => ws.terminate());
  return { ws, proxy };
}

describe('TLS with no tls options', () => {
  // Bun takes `tls: {}` for no TLS at all: a wss: URL to an IP address (no server name) with no
  // tls options must still run TLS, and here fail on the untrusted certificate, not wait.
  it('runs TLS for wss: to an IP address, directly and through an http: proxy', async () => {
    const { port } = echoServer(true);
    const direct = await rejection(connect(`wss://127.0.0.1:${port}/`, { handshakeTimeout: 3000 }));
    expect(String((direct as Error).message)).toMatch(/self[- ]signed|certificate|verify/i);
    const proxy = connectProxy();
    const tunneled = await rejection(
      connect(`wss://127.0.0.1:${port}/`, { proxy: proxy.url, handshakeTimeout: 3000 }),
    );
    expect(String((tunneled as Error).message)).toMatch(/self[- ]signed|certificate|verify/i);
  });
});

describe('https: proxies', () => {
  it('tunnels ws: through TLS to the proxy', async () => {
    const { port } = echoServer(false);
    const proxy = connectProxy(undefined, { tls: true });
    const ws = await connect(`ws://127.0.0.1:${port}/`, { proxy: proxy.url, proxyTls });
    defer(() => ws.terminate());
    expect(await echo(ws, 'inside TLS to the proxy')).toBe('inside TLS to the proxy');
    expect(proxy.stats.connections).toBe(1);
    expect(proxy.stats.targets).toEqual([`CONNECT 127.0.0.1:${port}`]);
  });

  it('runs TLS with a wss: server inside TLS with the proxy (TLS in TLS), both ways, with backpressure', async () => {
    const { port } = echoServer(true);
    const { ws, proxy } = await connectInTunnel(port);
    expect(await echo(ws, 'tls in tls')).toBe('tls in tls');
    // 4 MiB each way: more than either TLS layer, the tunnel or the proxy buffer at once.
    const large = pattern(4 * 1024 * 1024, 7);
    expect(await echo(ws, large)).toEqual(large);
    // Many small messages in a row keep their order.
    const received: unknown[] = [];
    ws.on('message', (data) => void received.push(data));
    await Promise.all(Array.from({ length: 200 }, (_, index) => ws.send(`message ${index}`)));
    await until(() => received.length >= 200);
    expect(received).toEqual(Array.from({ length: 200 }, (_, index) => `message ${index}`));
    expect(proxy.stats.connections).toBe(1);
    expect(proxy.stats.targets).toEqual([`CONNECT localhost:${port}`]);
    // The close handshake runs through both layers.
    const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    await ws.close(1000, 'done');
    expect(await closed).toBe(1000);
    // 60–300 ms when it works. A tunnel that loses bytes (the test proxy once dropped what Bun's
    // write did not take) leaves the inner TLS waiting for the rest of a record, with no error: only
    // the timeout sees that, so it stays short (10 s is room for a loaded machine, not a hang).
  }, 10_000);

  it('counts what waits for the server in bufferedAmount, through TLS in TLS', async () => {
    // The server stops reading: what the sockets and the proxy cannot hold stays with the client's
    // transport and shows in bufferedAmount. node:tls writes its records into the tunnel without
    // waiting for it, so the tunnel once took a whole 32 MiB frame at once and bufferedAmount said 0.
    let paused: WebSocketSession | undefined;
    const size = 32 * 1024 * 1024;
    const server = serve(
      {
        hostname: '127.0.0.1',
        tls: { key: privateKey, cert: certificate },
        maxMessageSize: size,
        maxFrameSize: size,
      },
      (ws) => {
        ws.pause();
        paused = ws;
      },
    );
    defer(() => server.close());
    const { ws } = await connectInTunnel(server.port);
    await until(() => paused !== undefined);
    const message = pattern(size, 3);
    ws.write(message);
    await Bun.sleep(300);
    // The loopback sockets on both sides of the proxy and the proxy itself take about 11 MiB of a
    // paused reader's data here.
    expect(ws.bufferedAmount).toBeGreaterThan(8 * 1024 * 1024);
    expect(ws.bufferedAmount).toBeLessThanOrEqual(size + 14);
    paused!.resume();
    const received = await new Promise<unknown>((resolve) => paused!.once('message', resolve));
    expect(Buffer.compare(received as Uint8Array, message)).toBe(0);
    await until(() => ws.bufferedAmount === 0);
  }, 10_000);

  it('holds the server back for a reader that falls behind, through TLS in TLS and the proxy, losing nothing', async () => {
    // The server sends 32 MiB at once; the client reads one message per 5 ms with a 1 MiB budget.
    // Its session pauses the inner TLS session, the tunnel then stops reading the proxy connection
    // (the outer socket's pause, resumed by the tunnel's read), and the proxy has to keep bytes.
    const count = 32;
    const size = 1024 * 1024;
    const server = serve({ hostname: '127.0.0.1', tls: { key: privateKey, cert: certificate } }, (ws) => {
      for (let index = 0; index < count; index++) void ws.send(pattern(size, index)).catch(() => {});
    });
    defer(() => server.close());
    const { ws, proxy } = await connectInTunnel(server.port, { maxBufferedBytes: size });
    let index = 0;
    for await (const message of ws) {
      expect(Buffer.compare(message as Uint8Array, pattern(size, index))).toBe(0);
      index++;
      if (index === count) break;
      await Bun.sleep(5);
    }
    expect(index).toBe(count);
    expect(proxy.stats.kept).toBeGreaterThan(0);
  }, 10_000);

  it('sees the server close, and the proxy go away, through TLS in TLS', async () => {
    const closer = serve({ hostname: '127.0.0.1', tls: { key: privateKey, cert: certificate } }, (ws) =>
      ws.on('message', () => void ws.close(4001, 'bye')),
    );
    defer(() => closer.close());
    const proxy = connectProxy(undefined, { tls: true });
    const options = { proxy: proxy.url, proxyTls, tls: { ca: certificate } };
    const ws = await connect(`wss://localhost:${closer.port}/`, options);
    const closed = new Promise<[number, string]>((resolve) =>
      ws.once('close', (code: number, reason: string) => resolve([code, reason])),
    );
    await ws.send('close, please');
    expect(await closed).toEqual([4001, 'bye']);
    // The proxy stops with the connection open: the client sees an abnormal close (1006).
    const { port } = echoServer(true);
    const other = await connect(`wss://localhost:${port}/`, options);
    const lost = new Promise<number>((resolve) => other.once('close', (code: number) => resolve(code)));
    expect(await echo(other, 'before')).toBe('before');
    proxy.stop();
    expect(await lost).toBe(1006);
  });

  it('checks the server’s certificate against the server, inside the tunnel', async () => {
    const { port } = echoServer(true);
    const proxy = connectProxy(undefined, { tls: true });
    // The proxy's CA does not vouch for the server: the inner handshake fails.
    const untrusted = await rejection(
      connect(`wss://localhost:${port}/`, { proxy: proxy.url, proxyTls, tls: { ca: proxyCertificate } }),
    );
    expect(untrusted).toBeInstanceOf(Error);
    expect(String((untrusted as Error).message)).toMatch(/self[- ]signed|certificate|verify/i);
    // rejectUnauthorized: false (inside the tunnel) lets it through.
    const ws = await connect(`wss://localhost:${port}/`, {
      proxy: proxy.url,
      proxyTls,
      tls: { rejectUnauthorized: false },
    });
    defer(() => ws.terminate());
    expect(await echo(ws, 'unchecked')).toBe('unchecked');
    // An IP address is checked against the certificate's IP names (no server name is sent).
    const byAddress = await connect(`wss://127.0.0.1:${port}/`, {
      proxy: proxy.url,
      proxyTls,
      tls: { ca: certificate },
    });
    defer(() => byAddress.terminate());
    expect(await echo(byAddress, 'by address')).toBe('by address');
    // A name the certificate does not have fails, even with its CA trusted.
    const wrongName = await rejection(
      connect(`wss://127.0.0.1:${port}/`, {
        proxy: proxy.url,
        proxyTls,
        tls: { ca: certificate },
        servername: 'elsewhere.example',
      }),
    );
    expect(String((wrongName as Error).message)).toMatch(/elsewhere\.example|altnames|hostname/i);
    expect(proxy.stats.connections).toBe(4);
  });

  it('checks the proxy’s certificate, and sends nothing to a proxy it does not trust', async () => {
    const { port } = echoServer(false);
    const proxy = connectProxy(undefined, { tls: true });
    const credentials = proxy.url.replace('https://', 'https://me:secret@');
    const untrusted = await rejection(connect(`ws://127.0.0.1:${port}/`, { proxy: credentials }));
    expect(untrusted).toBeInstanceOf(Error);
    expect(String((untrusted as Error).message)).toMatch(/self[- ]signed|certificate|verify/i);
    // The server's CA (given as tls) is not the proxy's: still refused.
    const wrongCa = await rejection(
      connect(`ws://127.0.0.1:${port}/`, { proxy: credentials, proxyTls: { ca: certificate } }),
    );
    expect(wrongCa).toBeInstanceOf(Error);
    // Its CA trusted, but another name asked for than the certificate has: refused.
    const wrongName = await rejection(
      connect(`ws://127.0.0.1:${port}/`, {
        proxy: credentials,
        proxyTls: { ca: proxyCertificate, serverName: 'elsewhere.example' },
      }),
    );
    expect(String((wrongName as Error).message)).toMatch(/elsewhere\.example|altnames|hostname/i);
    // No CONNECT, so no credentials, went to the untrusted proxy.
    expect(proxy.stats.targets).toEqual([]);
  });

  it('sends the proxy URL’s credentials as Proxy-Authorization, and reports a 407', async () => {
    const { port, authorizations } = echoServer(true);
    const basic = `Basic ${btoa('me:pw')}`;
    const proxy = connectProxy(basic, { tls: true });
    const target = `wss://localhost:${port}/`;
    const refused = (await rejection(
      connect(target, { proxy: proxy.url, proxyTls, tls: { ca: certificate } }),
    )) as HandshakeFailedError;
    expect(refused.code).toBe('WS_ERR_UPGRADE_PROXY');
    expect(refused.status).toBe(407);
    const ws = await connect(target, {
      proxy: proxy.url.replace('https://', 'https://me:pw@'),
      proxyTls,
      tls: { ca: certificate },
    });
    defer(() => ws.terminate());
    expect(await echo(ws, 'authorized')).toBe('authorized');
    expect(proxy.stats.authorizations).toEqual([undefined, basic]);
    // Proxy credentials are for the proxy only: the server never sees them.
    expect(authorizations).toEqual([undefined]);
  });

  it('takes an https: proxy from HTTPS_PROXY for wss:', async () => {
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
    defer(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    const { port } = echoServer(true);
    const proxy = connectProxy(undefined, { tls: true });
    process.env.HTTPS_PROXY = proxy.url;
    delete process.env.NO_PROXY;
    const ws = await connect(`wss://localhost:${port}/`, { proxyTls, tls: { ca: certificate } });
    defer(() => ws.terminate());
    expect(await echo(ws, 'from the environment')).toBe('from the environment');
    expect(proxy.stats.connections).toBe(1);
  });

  it('stops at an aborted signal while the tunnel opens', async () => {
    const { port } = echoServer(true);
    const proxy = connectProxy(undefined, { tls: true });
    const controller = new AbortController();
    const reason = new Error('given up');
    const attempt = connect(`wss://localhost:${port}/`, {
      proxy: proxy.url,
      proxyTls,
      tls: { ca: certificate },
      signal: controller.signal,
    });
    controller.abort(reason);
    expect(await rejection(attempt)).toBe(reason);
  });
});

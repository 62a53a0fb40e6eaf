// nodeDialer under @wskit/transport's dialWebSocket: direct, and through a CONNECT proxy on loopback
// (the `proxy` of a DialTarget is used, never ignored).
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { acceptServerHandshake, HeaderList } from '@wskit/handshake';
import { isHandshakeFailedError, nodeDialer } from '@wskit/node';
import { dialWebSocket, type WebSocket } from '@wskit/transport';
import { describe, expect, it } from 'vitest';
import { certificate, connectProxy, defer, listen, privateKey, upgradeServer } from './helpers.js';

/** Accepts every upgrade and echoes the first text frame's payload back in one frame of its own. */
function echoing(request: IncomingMessage, socket: Socket) {
  const result = acceptServerHandshake({
    method: request.method!,
    target: request.url!,
    version: request.httpVersion,
    headers: HeaderList.fromRawHeaders(request.rawHeaders),
  });
  if (!result.ok) return socket.end(result.response.bytes);
  socket.write(result.response.bytes);
  socket.once('data', (frame: Buffer) => {
    // A masked client text frame with a payload under 126 bytes: unmask it, send it back unmasked.
    const length = frame[1]! & 0x7f;
    const mask = frame.subarray(2, 6);
    const payload = Buffer.from(frame.subarray(6, 6 + length).map((byte, index) => byte ^ mask[index % 4]!));
    socket.write(Buffer.concat([Buffer.of(0x81, length), payload]));
  });
}

async function wssServer(): Promise<number> {
  const server = createHttpsServer({ key: privateKey, cert: certificate });
  server.on('upgrade', (request: IncomingMessage, socket: Socket) => {
    socket.on('error', () => {});
    defer(() => socket.destroy());
    echoing(request, socket);
  });
  return listen(server);
}

/** Dials, registers the WebSocket for cleanup, and checks one message goes both ways. */
async function roundTrip(...args: Parameters<typeof dialWebSocket>): Promise<WebSocket> {
  const ws = await dialWebSocket(...args);
  defer(() => ws.terminate());
  await ws.send('hello');
  for await (const message of ws) {
    expect(message).toBe('hello');
    break;
  }
  return ws;
}

describe('nodeDialer', () => {
  it('connects directly without a proxy', async () => {
    const { url } = await upgradeServer(echoing);
    await roundTrip(nodeDialer, url);
  });

  it('tunnels ws: through the proxy of the DialTarget with CONNECT', async () => {
    const { url, port } = await upgradeServer(echoing);
    const proxy = await connectProxy();
    await roundTrip(nodeDialer, url, { proxy: proxy.url });
    expect(proxy.targets).toEqual([`127.0.0.1:${port}`]);
  });

  it('tunnels through a proxy that proxyEnvironment names', async () => {
    const { url, port } = await upgradeServer(echoing);
    const proxy = await connectProxy();
    await roundTrip(nodeDialer, url, { proxyEnvironment: { HTTP_PROXY: proxy.url } });
    expect(proxy.targets).toEqual([`127.0.0.1:${port}`]);
  });

  it('tunnels wss: through a proxy, with TLS to the server inside the tunnel', async () => {
    const port = await wssServer();
    const proxy = await connectProxy();
    await roundTrip(nodeDialer, `wss://localhost:${port}/`, { proxy: proxy.url, tls: { ca: certificate } });
    expect(proxy.targets).toEqual([`localhost:${port}`]);
  });

  it('sends the credentials of the proxy URL', async () => {
    const { url } = await upgradeServer(echoing);
    const expected = `Basic ${Buffer.from('user:pass').toString('base64')}`;
    const proxy = await connectProxy({ requireAuth: expected });
    const proxyUrl = new URL(proxy.url);
    proxyUrl.username = 'user';
    proxyUrl.password = 'pass';
    await roundTrip(nodeDialer, url, { proxy: proxyUrl });
    expect(proxy.headers[0]?.['proxy-authorization']).toBe(expected);
  });

  it('rejects a refused tunnel with WS_ERR_UPGRADE_PROXY and the proxy status', async () => {
    const { url } = await upgradeServer(echoing);
    const proxy = await connectProxy({ requireAuth: 'Basic nope' });
    const error: unknown = await dialWebSocket(nodeDialer, url, { proxy: proxy.url }).catch(
      (reason) => reason,
    );
    expect(isHandshakeFailedError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'WS_ERR_UPGRADE_PROXY', status: 407 });
  });

  it('connects to an https: proxy with proxyTls, TLS in TLS for wss:', async () => {
    const port = await wssServer();
    const proxy = await connectProxy({ tls: true });
    const url = `wss://localhost:${port}/`;
    // Without proxyTls the proxy's certificate is not trusted: no tunnel is asked for.
    await expect(
      dialWebSocket(nodeDialer, url, { proxy: proxy.url, tls: { ca: certificate } }),
    ).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(proxy.targets).toEqual([]);
    await roundTrip(nodeDialer, url, {
      proxy: proxy.url,
      proxyTls: { ca: certificate },
      tls: { ca: certificate },
    });
    expect(proxy.targets).toEqual([`localhost:${port}`]);
  });

  it('connects to an https: proxy with proxyTls for ws:', async () => {
    const { url, port } = await upgradeServer(echoing);
    const proxy = await connectProxy({ tls: true });
    await roundTrip(nodeDialer, url, { proxy: proxy.url, proxyTls: { ca: certificate } });
    expect(proxy.targets).toEqual([`127.0.0.1:${port}`]);
  });

  it('rejects with the reason of an aborted signal while the tunnel opens', async () => {
    // A proxy that never answers CONNECT.
    const { createServer } = await import('node:net');
    const silent = createServer((socket) => {
      socket.on('error', () => {});
      defer(() => socket.destroy());
    });
    const port = await listen(silent);
    const controller = new AbortController();
    const reason = new Error('stop');
    const dialing = nodeDialer({
      host: '127.0.0.1',
      port: 1,
      secure: false,
      proxy: { host: '127.0.0.1', port, secure: false, url: `http://127.0.0.1:${port}/` },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(reason), 50);
    await expect(dialing).rejects.toBe(reason);
  });
});

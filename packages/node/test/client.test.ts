import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { acceptServerHandshake, HeaderList, rejectHandshake } from '@wskit/handshake';
import { connect, HandshakeFailedError, isHandshakeFailedError } from '@wskit/node';
import { UpgradeErrorCodes } from '@wskit/transport';
import { ProxyAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  certificate,
  connectProxy,
  defer,
  listen,
  privateKey,
  setEnvironment,
  upgradeServer,
} from './helpers.js';

/** An unmasked text frame (payload under 126 bytes). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  return Buffer.concat([Buffer.of(0x81, payload.length), payload]);
}

/** Accepts every upgrade (protocols `chat`, `superchat`) and sends one early frame with the 101. */
function accepting(seen?: IncomingMessage[]) {
  return (request: IncomingMessage, socket: Socket) => {
    seen?.push(request);
    const result = acceptServerHandshake(
      {
        method: request.method!,
        target: request.url!,
        version: request.httpVersion,
        headers: HeaderList.fromRawHeaders(request.rawHeaders),
      },
      { protocols: ['superchat', 'chat'] },
    );
    if (!result.ok) return socket.end(result.response.bytes);
    socket.write(Buffer.concat([result.response.bytes, textFrame('early')]));
  };
}

async function expectFailure(promise: Promise<unknown>): Promise<HandshakeFailedError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the handshake to fail');
    },
    (reason: unknown) => reason,
  );
  expect(isHandshakeFailedError(error)).toBe(true);
  return error as HandshakeFailedError;
}

/** Connects and registers the WebSocket for cleanup. */
async function upgrade(...args: Parameters<typeof connect>) {
  const ws = await connect(...args);
  defer(() => ws.terminate());
  return ws;
}

/** The next message of a WebSocket. */
function nextMessage(ws: Awaited<ReturnType<typeof connect>>): Promise<string | Uint8Array> {
  return new Promise((resolve) => ws.once('message', resolve));
}

describe('connect', () => {
  it('upgrades, with subprotocols, headers and origin, and keeps the bytes after the head', async () => {
    const seen: IncomingMessage[] = [];
    const { url } = await upgradeServer(accepting(seen));
    const result = await upgrade(`${url}/chat?room=1#ignored`, {
      protocols: ['chat', 'superchat'],
      headers: { Authorization: 'Bearer token', 'X-Custom': 'yes' },
      origin: 'https://example.com',
    });
    expect(result.protocol).toBe('chat');
    expect(result.extensions).toBe('');
    expect(result.role).toBe('client');
    expect(result.url).toBe(`${url}/chat?room=1`);
    expect(result.remoteAddress).toBe(`127.0.0.1:${new URL(url).port}`);
    // The frame that came in the same packet as the 101 is the first message.
    expect(await nextMessage(result)).toBe('early');
    const request = seen[0]!;
    expect(request.url).toBe('/chat?room=1');
    expect(request.headers.authorization).toBe('Bearer token');
    expect(request.headers['x-custom']).toBe('yes');
    expect(request.headers.origin).toBe('https://example.com');
    expect(request.headers['sec-websocket-protocol']).toBe('chat, superchat');
  });

  it('accepts http: and https: URLs as ws: and wss:', async () => {
    const { port } = await upgradeServer(accepting());
    const result = await upgrade(`http://127.0.0.1:${port}/`);
    expect(result.url).toMatch(/^ws:/);
  });

  it('throws TypeError at once for a bad URL or a reserved header', () => {
    expect(() => connect('ftp://example.com')).toThrow(TypeError);
    expect(() => connect('ws://127.0.0.1:1', { maxRedirects: Number.NaN })).toThrow(RangeError);
    expect(() => connect('not a url')).toThrow(TypeError);
    expect(() => connect('ws://127.0.0.1:1', { headers: { 'Sec-WebSocket-Key': 'x' } })).toThrow(TypeError);
    expect(() => connect('ws://127.0.0.1:1', { protocols: ['a b'] })).toThrow(TypeError);
    expect(() => connect('ws://127.0.0.1:1', { handshakeTimeout: -1 })).toThrow(RangeError);
  });

  it('reports a refusal with its status, headers and body', async () => {
    const { url } = await upgradeServer((_request, socket) => {
      socket.end(
        rejectHandshake(401, { headers: { 'WWW-Authenticate': 'Bearer' }, body: 'token expired' }).bytes,
      );
    });
    const error = await expectFailure(connect(url));
    expect(error).toBeInstanceOf(HandshakeFailedError);
    expect(error.code).toBe('WS_HANDSHAKE_ERR_UNEXPECTED_STATUS');
    expect(error.status).toBe(401);
    expect(error.headers?.get('www-authenticate')).toBe('Bearer');
    expect(Buffer.from(error.body).toString()).toBe('token expired');
    expect(error.message).toContain('401 Unauthorized');
    expect(error.url).toBe(`${url}/`);
  });

  it('reads a chunked refusal body', async () => {
    const { url } = await upgradeServer((_request, socket) => {
      socket.write(
        'HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n',
      );
      // The connection stays open: the body's end is the last chunk, not the connection's end.
    });
    const error = await expectFailure(connect(url));
    expect(error.status).toBe(403);
    expect(Buffer.from(error.body).toString()).toBe('hello world');
  });

  it('fails on a wrong Sec-WebSocket-Accept, with the 101 status', async () => {
    const { url } = await upgradeServer((_request, socket) => {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n',
      );
    });
    const error = await expectFailure(connect(url));
    expect(error.code).toBe('WS_HANDSHAKE_ERR_INVALID_ACCEPT');
    expect(error.status).toBe(101);
  });

  it('fails on a malformed response head', async () => {
    const { url } = await upgradeServer((_request, socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\r\n\r\n');
    });
    const error = await expectFailure(connect(url));
    expect(error.code).toBe('WS_HANDSHAKE_ERR_INVALID_LINE_ENDING');
    expect(error.status).toBeUndefined();
  });

  it('times out when no response comes', async () => {
    const { url } = await upgradeServer(() => {});
    const started = Date.now();
    await expect(connect(url, { handshakeTimeout: 100 })).rejects.toMatchObject({
      name: 'WebSocketError',
      code: 'WS_ERR_HANDSHAKE_TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails when the server closes before the response head', async () => {
    const { url } = await upgradeServer((_request, socket) => {
      socket.end('HTTP/1.1 101 Switching');
    });
    const error = await expectFailure(connect(url));
    // The code every runtime reports for this failure (Bun and Workers run the same upgrade).
    expect(error.code).toBe('WS_ERR_UPGRADE_CONNECTION_CLOSED');
    expect(error.message).toBe(UpgradeErrorCodes.WS_ERR_UPGRADE_CONNECTION_CLOSED);
    expect(error.url).toBe(`${url}/`);
  });

  it('passes network errors through unchanged', async () => {
    const { server, url } = await upgradeServer(() => {});
    server.close();
    await once(server, 'close');
    await expect(connect(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects with the reason of an aborted signal', async () => {
    const { url } = await upgradeServer(() => {});
    const controller = new AbortController();
    const promise = connect(url, { signal: controller.signal });
    controller.abort(new Error('changed my mind'));
    await expect(promise).rejects.toThrow('changed my mind');
  });

  describe('redirects', () => {
    async function redirectingServer(location: (port: number) => string, status = 302) {
      const seen: IncomingMessage[] = [];
      const target = await upgradeServer(accepting(seen));
      const { url } = await upgradeServer((_request, socket) => {
        socket.end(rejectHandshake(status, { headers: { Location: location(target.port) } }).bytes);
      });
      return { url, seen, target };
    }

    it('are not followed by default', async () => {
      const { url } = await redirectingServer((port) => `ws://127.0.0.1:${port}/next`);
      const error = await expectFailure(connect(url));
      expect(error.status).toBe(302);
      expect(error.headers?.get('location')).toMatch(/\/next$/);
    });

    it('are followed when asked, to ws: and http: locations, keeping same-origin credentials', async () => {
      for (const status of [301, 302, 303, 307, 308]) {
        const { url, seen, target } = await redirectingServer(
          (port) => `http://127.0.0.1:${port}/next`,
          status,
        );
        const result = await upgrade(url, { followRedirects: true, headers: { Authorization: 'secret' } });
        expect(result.url).toBe(`${target.url}/next`);
        expect(seen[0]?.url).toBe('/next');
        // 127.0.0.1 on another port is another origin: credentials are dropped.
        expect(seen[0]?.headers.authorization).toBeUndefined();
      }
    });

    it('follow relative locations and keep credentials on the same origin', async () => {
      const seen: IncomingMessage[] = [];
      const accept = accepting(seen);
      const { url } = await upgradeServer((request, socket) => {
        if (request.url === '/start')
          socket.end(rejectHandshake(307, { headers: { Location: '/final' } }).bytes);
        else accept(request, socket);
      });
      const result = await upgrade(`${url}/start`, {
        followRedirects: true,
        headers: { Authorization: 'secret' },
      });
      expect(new URL(result.url).pathname).toBe('/final');
      expect(seen[0]?.headers.authorization).toBe('secret');
    });

    it('stop at maxRedirects', async () => {
      const { url } = await upgradeServer((request, socket) => {
        socket.end(rejectHandshake(302, { headers: { Location: `${request.url}x` } }).bytes);
      });
      const error = await expectFailure(connect(`${url}/`, { followRedirects: true, maxRedirects: 3 }));
      expect(error.code).toBe('WS_ERR_UPGRADE_TOO_MANY_REDIRECTS');
      expect(error.url).toBe(`${url}/xxx`);
      expect(error.status).toBe(302);
    });

    it('refuse a location that is not a WebSocket URL', async () => {
      const { url } = await redirectingServer(() => 'ftp://example.com/');
      const error = await expectFailure(connect(url, { followRedirects: true }));
      expect(error.code).toBe('WS_ERR_UPGRADE_INVALID_REDIRECT');
      expect(error.status).toBe(302);
    });
  });

  describe('TLS', () => {
    async function tlsServer() {
      const server = createHttpsServer({ key: privateKey, cert: certificate });
      server.on('upgrade', accepting());
      const port = await listen(server);
      return { port, url: `wss://localhost:${port}` };
    }

    it('connects to wss: with a custom CA and SNI', async () => {
      const { url } = await tlsServer();
      const result = await upgrade(`${url}/secure`, { tls: { ca: certificate } });
      expect(result.url).toBe(`${url}/secure`);
      expect(await nextMessage(result)).toBe('early');
    });

    it('rejects an untrusted certificate with the TLS error', async () => {
      const { url } = await tlsServer();
      await expect(connect(url)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      const accepted = await upgrade(url, { tls: { rejectUnauthorized: false } });
      expect(accepted.protocol).toBe('');
    });

    it('checks the name against servername', async () => {
      const { port } = await tlsServer();
      await expect(
        connect(`wss://127.0.0.1:${port}`, { tls: { ca: certificate, servername: 'example.com' } }),
      ).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    });
  });

  describe('proxies', () => {
    it('tunnel through an explicit proxy with CONNECT', async () => {
      const { url, port } = await upgradeServer(accepting());
      const proxy = await connectProxy();
      const result = await upgrade(`${url}/via-proxy`, { proxy: proxy.url, protocols: ['chat'] });
      expect(proxy.targets).toEqual([`127.0.0.1:${port}`]);
      expect(result.protocol).toBe('chat');
      // undici leaves the bytes after the head in the socket: they reach the session as data.
      expect(await nextMessage(result)).toBe('early');
    });

    it("tunnel through the caller's dispatcher (an undici ProxyAgent)", async () => {
      const { url, port } = await upgradeServer(accepting());
      const proxy = await connectProxy();
      const dispatcher = new ProxyAgent({ uri: proxy.url });
      const result = await upgrade(`${url}/via-dispatcher`, { dispatcher, protocols: ['chat'] });
      expect(proxy.targets).toEqual([`127.0.0.1:${port}`]);
      expect(result.protocol).toBe('chat');
      await dispatcher.close();
    });

    it('tunnel wss: through a proxy, with TLS to the server', async () => {
      const server = createHttpsServer({ key: privateKey, cert: certificate });
      server.on('upgrade', accepting());
      const port = await listen(server);
      const proxy = await connectProxy();
      const result = await upgrade(`wss://localhost:${port}/`, {
        proxy: proxy.url,
        tls: { ca: certificate },
      });
      expect(proxy.targets).toEqual([`localhost:${port}`]);
      expect(await nextMessage(result)).toBe('early');
    });

    it('send proxy credentials from the proxy URL', async () => {
      const { url } = await upgradeServer(accepting());
      const expected = `Basic ${Buffer.from('user:pass').toString('base64')}`;
      const proxy = await connectProxy({ requireAuth: expected });
      const proxyUrl = new URL(proxy.url);
      proxyUrl.username = 'user';
      proxyUrl.password = 'pass';
      await upgrade(url, { proxy: proxyUrl });
      expect(proxy.headers[0]?.['proxy-authorization']).toBe(expected);
    });

    it('report a refused tunnel as WS_ERR_UPGRADE_PROXY', async () => {
      const { url } = await upgradeServer(accepting());
      const proxy = await connectProxy({ requireAuth: 'Basic nope' });
      const error = await expectFailure(connect(url, { proxy: proxy.url }));
      expect(error.code).toBe('WS_ERR_UPGRADE_PROXY');
      expect(error.cause).toBeInstanceOf(Error);
    });

    it('report a refusal by the server behind the proxy with its status', async () => {
      const { url } = await upgradeServer((_request, socket) => {
        socket.end(rejectHandshake(401, { headers: { 'WWW-Authenticate': 'Bearer' }, body: 'who?' }).bytes);
      });
      const proxy = await connectProxy();
      const error = await expectFailure(connect(url, { proxy: proxy.url }));
      expect(error.code).toBe('WS_HANDSHAKE_ERR_UNEXPECTED_STATUS');
      expect(error.status).toBe(401);
      expect(error.headers?.get('www-authenticate')).toBe('Bearer');
      expect(Buffer.from(error.body).toString()).toBe('who?');
    });

    it('follow HTTP_PROXY and NO_PROXY from the environment, unless proxy is false', async () => {
      const { url, port } = await upgradeServer(accepting());
      const proxy = await connectProxy();
      setEnvironment({ HTTP_PROXY: proxy.url, NO_PROXY: undefined });
      await upgrade(url);
      expect(proxy.targets).toEqual([`127.0.0.1:${port}`]);
      await upgrade(url, { proxy: false });
      expect(proxy.targets).toHaveLength(1);
      setEnvironment({ NO_PROXY: '127.0.0.1' });
      await upgrade(url);
      expect(proxy.targets).toHaveLength(1);
    });

    it('tunnel through an https: proxy, trusting its certificate with proxyTls', async () => {
      const server = createHttpsServer({ key: privateKey, cert: certificate });
      server.on('upgrade', accepting());
      const port = await listen(server);
      const proxy = await connectProxy({ tls: true });
      const url = `wss://localhost:${port}/`;
      // The proxy's certificate is not trusted without proxyTls: no tunnel is asked for.
      await expect(connect(url, { proxy: proxy.url, tls: { ca: certificate } })).rejects.toMatchObject({
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      });
      expect(proxy.targets).toEqual([]);
      const result = await upgrade(url, {
        proxy: proxy.url,
        proxyTls: { ca: certificate },
        tls: { ca: certificate },
      });
      expect(proxy.targets).toEqual([`localhost:${port}`]);
      expect(await nextMessage(result)).toBe('early');
    });

    it('apply proxyTls to an https: proxy named by HTTPS_PROXY', async () => {
      const server = createHttpsServer({ key: privateKey, cert: certificate });
      server.on('upgrade', accepting());
      const port = await listen(server);
      const proxy = await connectProxy({ tls: true });
      setEnvironment({ HTTPS_PROXY: proxy.url, HTTP_PROXY: undefined, NO_PROXY: undefined });
      await upgrade(`wss://localhost:${port}/`, { proxyTls: { ca: certificate }, tls: { ca: certificate } });
      expect(proxy.targets).toEqual([`localhost:${port}`]);
    });

    it('refuse proxyTls with a dispatcher of the caller (it has its own)', async () => {
      const dispatcher = new ProxyAgent({ uri: 'http://127.0.0.1:9' });
      defer(() => dispatcher.close());
      expect(() => connect('ws://127.0.0.1:9/', { dispatcher, proxyTls: { ca: certificate } })).toThrow(
        TypeError,
      );
    });

    it('use HTTPS_PROXY for wss:', async () => {
      const server = createHttpsServer({ key: privateKey, cert: certificate });
      server.on('upgrade', accepting());
      const port = await listen(server);
      const proxy = await connectProxy();
      setEnvironment({ HTTPS_PROXY: proxy.url, HTTP_PROXY: undefined, NO_PROXY: undefined });
      await upgrade(`wss://localhost:${port}/`, { tls: { ca: certificate } });
      expect(proxy.targets).toEqual([`localhost:${port}`]);
    });
  });
});

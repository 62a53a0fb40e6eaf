import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  type AddressInfo,
  connect,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { afterEach } from 'vitest';

/** The self-signed certificate (CN localhost, SAN localhost, 127.0.0.1, ::1) and its key. */
export const certificate = readFileSync(new URL('./fixtures/cert.pem', import.meta.url));
export const privateKey = readFileSync(new URL('./fixtures/key.pem', import.meta.url));

// The tests talk to loopback servers: a proxy named by the machine's environment must not apply,
// except in the tests that set these variables themselves.
for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']) {
  delete process.env[name];
}

/** Cleanups run after each test, last registered first. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Registers a cleanup for the end of the current test. */
export function defer(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** Listens on 127.0.0.1, port 0; closes the server (and its connections) after the test. */
export async function listen(server: NetServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  defer(() => closeServer(server));
  return (server.address() as AddressInfo).port;
}

/** Closes a server and destroys its remaining connections. */
export function closeServer(server: NetServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    (server as Partial<Server>).closeAllConnections?.();
  });
}

/** A connected pair of TCP sockets on loopback, destroyed after the test. */
export async function socketPair(): Promise<{ client: Socket; server: Socket }> {
  const listener = createNetServer({ allowHalfOpen: true });
  const port = await listen(listener);
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await once(client, 'connect');
  const [server] = await accepted;
  defer(() => {
    client.destroy();
    server.destroy();
  });
  return { client, server };
}

/** Destroys the socket after the test (upgraded sockets are not closed by `server.close()`). */
export function trackSocket(socket: Socket): void {
  defer(() => socket.destroy());
}

/** Collects what a socket reads until it ends. */
export async function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'end');
  return Buffer.concat(chunks);
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A plain HTTP server whose `upgrade` events go to `onUpgrade`; 426 for other requests. */
export async function upgradeServer(
  onUpgrade: (request: IncomingMessage, socket: Socket, head: Buffer) => void,
): Promise<{ server: Server; port: number; url: string }> {
  const server = createHttpServer((_request, response) => {
    response.writeHead(426, { Upgrade: 'websocket' }).end();
  });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => {});
    trackSocket(socket);
    onUpgrade(request, socket, head);
  });
  const port = await listen(server);
  return { server, port, url: `ws://127.0.0.1:${port}` };
}

/**
 * An HTTP CONNECT proxy on loopback: tunnels each `CONNECT host:port` to that address and records
 * the targets and request headers it saw. `requireAuth` answers 407 without the right
 * `Proxy-Authorization`. `tls`: an `https:` proxy (the test certificate, for `localhost` and
 * `127.0.0.1`).
 */
export async function connectProxy(options: { requireAuth?: string; tls?: boolean } = {}) {
  const targets: string[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const refuse = (_request: IncomingMessage, response: ServerResponse) => response.writeHead(405).end();
  const server = options.tls
    ? createHttpsServer({ key: privateKey, cert: certificate }, refuse)
    : createHttpServer(refuse);
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    targets.push(request.url ?? '');
    headers.push(request.headers);
    if (options.requireAuth && request.headers['proxy-authorization'] !== options.requireAuth) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const [host, port] = splitHostPort(request.url ?? '');
    client.on('error', () => {});
    trackSocket(client);
    const upstream = connect({ host, port });
    trackSocket(upstream);
    upstream.on('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  const port = await listen(server);
  const scheme = options.tls ? 'https' : 'http';
  return { server, port, url: `${scheme}://127.0.0.1:${port}`, targets, headers };
}

function splitHostPort(authority: string): [string, number] {
  const index = authority.lastIndexOf(':');
  let host = authority.slice(0, index);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return [host, Number(authority.slice(index + 1))];
}

/** Sets environment variables for the current test and restores them afterwards. */
export function setEnvironment(values: Record<string, string | undefined>): void {
  const saved: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) {
    saved[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  defer(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}

/** Resolves once `condition()` holds, polling; rejects after `timeout`. */
export async function until(condition: () => boolean, timeout = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeout) throw new Error(`condition not met within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves once `value()` stayed the same over ten polls 20 ms apart (a stalled sender). */
export async function untilSteady(value: () => number): Promise<void> {
  let last = value();
  for (let steady = 0; steady < 10; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = value();
    steady = now === last ? steady + 1 : 0;
    last = now;
  }
}

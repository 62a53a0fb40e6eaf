/** Test helpers: the self-signed certificate, cleanups, waiting. Not a test file. */
import { afterEach } from 'bun:test';

/** The self-signed certificate (CN localhost, SAN localhost, 127.0.0.1, ::1) and its key. */
export const certificate = await Bun.file(new URL('./fixtures/cert.pem', import.meta.url)).text();
export const privateKey = await Bun.file(new URL('./fixtures/key.pem', import.meta.url)).text();
/** Another self-signed certificate (CN wskit test proxy, the same names) and its key, for an https: proxy. */
export const proxyCertificate = await Bun.file(new URL('./fixtures/proxy-cert.pem', import.meta.url)).text();
export const proxyPrivateKey = await Bun.file(new URL('./fixtures/proxy-key.pem', import.meta.url)).text();

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Registers a cleanup for the end of the current test. */
export function defer(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** Resolves once `condition()` holds; rejects after `timeout` ms. */
export async function until(condition: () => boolean, timeout = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeout) throw new Error(`condition not met within ${timeout} ms`);
    await Bun.sleep(2);
  }
}

/** `size` bytes of a recognisable pattern. */
export function pattern(size: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 31 + seed) & 0xff;
  return bytes;
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/**
 * A small HTTP CONNECT proxy on loopback: it counts connections, records each CONNECT target and
 * `Proxy-Authorization`, answers 407 without `requireAuth` when one is set, and relays bytes both ways.
 * With `tls` it is an https: proxy (TLS with {@link proxyCertificate}, `url` https:).
 */
export function connectProxy(requireAuth?: string, options: { tls?: boolean } = {}) {
  const stats = { connections: 0, targets: [] as string[], authorizations: [] as (string | undefined)[] };
  type Side = { head: string; upstream?: Awaited<ReturnType<typeof Bun.connect>>; pending: Uint8Array[] };
  const listener = Bun.listen<Side>({
    hostname: '127.0.0.1',
    port: 0,
    ...(options.tls ? { tls: { cert: proxyCertificate, key: proxyPrivateKey } } : {}),
    socket: {
      open(client) {
        stats.connections++;
        client.data = { head: '', pending: [] };
      },
      async data(client, chunk) {
        const side = client.data;
        if (side.upstream !== undefined) {
          side.upstream.write(chunk);
          return;
        }
        if (side.head.includes('\r\n\r\n')) {
          side.pending.push(chunk);
          return;
        }
        side.head += new TextDecoder().decode(chunk);
        if (!side.head.includes('\r\n\r\n')) return;
        const [line, ...fields] = side.head.split('\r\n');
        const [method, authority] = line!.split(' ');
        const authorization = fields.find((field) => /^proxy-authorization:/i.test(field))?.split(': ')[1];
        stats.targets.push(`${method} ${authority}`);
        stats.authorizations.push(authorization);
        if (requireAuth !== undefined && authorization !== requireAuth) {
          client.end(
            'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n',
          );
          return;
        }
        const colon = authority!.lastIndexOf(':');
        side.upstream = await Bun.connect({
          hostname: authority!.slice(0, colon),
          port: Number(authority!.slice(colon + 1)),
          socket: {
            data: (_upstream, back) => void client.write(back),
            close: () => void client.end(),
            error: () => void client.end(),
          },
        });
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        for (const early of side.pending.splice(0)) side.upstream.write(early);
      },
      close(client) {
        client.data?.upstream?.end();
      },
      error() {},
    },
  });
  defer(() => listener.stop(true));
  return {
    stats,
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${listener.port}`,
    /** Stops the proxy and closes the connections through it. */
    stop: () => listener.stop(true),
  };
}

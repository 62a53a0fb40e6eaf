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

/** A socket of `Bun.connect` or `Bun.listen`, as the proxy uses it. */
interface ProxySocket {
  write(data: Uint8Array): number;
  end(): void;
  pause(): void;
  resume(): void;
}

/**
 * One direction of the proxy's relay. Bun's `write` takes what the kernel takes now and keeps
 * nothing: the rest is kept here, in order, and `from` stops reading until `drain` has written it
 * all, so a slow reader on one side slows the writer on the other instead of losing bytes.
 */
class Relay {
  readonly #queue: Uint8Array[] = [];
  #ending = false;
  #closed = false;
  constructor(
    readonly from: ProxySocket,
    readonly to: ProxySocket,
    /** Counts the bytes kept, for the tests of the proxy itself. */
    readonly kept: (bytes: number) => void,
  ) {}

  write(chunk: Uint8Array): void {
    if (this.#closed) return;
    if (this.#queue.length > 0) {
      this.#queue.push(chunk);
      return;
    }
    const written = this.to.write(chunk);
    if (written < 0) {
      this.#closed = true;
      return;
    }
    if (written === chunk.byteLength) return;
    this.#queue.push(chunk.subarray(written));
    this.kept(chunk.byteLength - written);
    this.from.pause();
  }

  /** The side written to can take more. */
  drain(): void {
    const queue = this.#queue;
    while (queue.length > 0 && !this.#closed) {
      const chunk = queue[0]!;
      const written = this.to.write(chunk);
      if (written < 0) this.#closed = true;
      else if (written < chunk.byteLength) {
        queue[0] = chunk.subarray(written);
        return;
      } else queue.shift();
    }
    if (this.#closed) return;
    this.from.resume();
    if (this.#ending) this.to.end();
  }

  /** `from` closed: end `to` once what is kept is written. */
  end(): void {
    if (this.#ending) return;
    this.#ending = true;
    if (this.#queue.length === 0) this.to.end();
  }
}

/**
 * A small HTTP CONNECT proxy on loopback: it counts connections, records each CONNECT target and
 * `Proxy-Authorization`, answers 407 without `requireAuth` when one is set, and relays bytes both
 * ways with backpressure (`stats.kept`: bytes it had to keep because a side was not reading).
 * With `tls` it is an https: proxy (TLS with {@link proxyCertificate}, `url` https:).
 */
export function connectProxy(requireAuth?: string, options: { tls?: boolean } = {}) {
  const stats = {
    connections: 0,
    targets: [] as string[],
    authorizations: [] as (string | undefined)[],
    kept: 0,
  };
  const kept = (bytes: number) => {
    stats.kept += bytes;
  };
  type Side = { head: string; up?: Relay; down?: Relay; pending: Uint8Array[] };
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
        if (side.up !== undefined) {
          side.up.write(chunk);
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
        const upstream = await Bun.connect({
          hostname: authority!.slice(0, colon),
          port: Number(authority!.slice(colon + 1)),
          socket: {
            data: (_upstream, back) => side.down?.write(back),
            drain: () => side.up?.drain(),
            close: () => side.down?.end(),
            error: () => side.down?.end(),
          },
        });
        side.up = new Relay(client, upstream, kept);
        side.down = new Relay(upstream, client, kept);
        side.down.write(new TextEncoder().encode('HTTP/1.1 200 Connection Established\r\n\r\n'));
        for (const early of side.pending.splice(0)) side.up.write(early);
      },
      drain(client) {
        client.data?.down?.drain();
      },
      close(client) {
        client.data?.up?.end();
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

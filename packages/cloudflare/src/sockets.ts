/**
 * The parts of Cloudflare's `cloudflare:sockets` API this package uses, declared here so that the
 * published declarations do not depend on `@cloudflare/workers-types`, and the lazy loading of the
 * module with a clear error where it does not exist.
 */

/** What `socket.opened` resolves with. */
export interface CloudflareSocketInfo {
  readonly remoteAddress?: string | undefined;
  readonly localAddress?: string | undefined;
}

/** A socket of `connect()` from `cloudflare:sockets` (`Socket` in `@cloudflare/workers-types`). */
export interface CloudflareSocket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /** Resolves once connected; rejects when the connection cannot be made. */
  readonly opened: Promise<CloudflareSocketInfo>;
  /** Resolves once the socket is closed; rejects when it failed. */
  readonly closed: Promise<void>;
  /** Closes both directions. */
  close(): Promise<void>;
  /** Upgrades a socket opened with `secureTransport: 'starttls'` to TLS; use the returned socket. */
  startTls(options?: { expectedServerHostname?: string }): CloudflareSocket;
}

/** The options of `connect()` from `cloudflare:sockets`. */
export interface CloudflareSocketOptions {
  readonly secureTransport?: 'off' | 'on' | 'starttls';
  readonly allowHalfOpen?: boolean;
}

/** `connect()` from `cloudflare:sockets`. */
export type CloudflareConnect = (
  address: { hostname: string; port: number },
  options?: CloudflareSocketOptions,
) => CloudflareSocket;

let loaded: Promise<CloudflareConnect> | undefined;

/**
 * `connect` of `cloudflare:sockets`, imported on first use: bundlers for Workers keep the import
 * (it is external), and elsewhere the package imports fine and fails here, saying why.
 */
export function loadSockets(): Promise<CloudflareConnect> {
  loaded ??= import('cloudflare:sockets' as string).then(
    (module: { connect: CloudflareConnect }) => module.connect,
    (error: unknown) => {
      loaded = undefined;
      throw new Error(
        '@wskit/cloudflare: connecting needs `cloudflare:sockets`, which only Cloudflare Workers (workerd) ' +
          'provide, and it could not be loaded here. In Node.js use @wskit/node, in Bun @wskit/bun.',
        { cause: error },
      );
    },
  );
  return loaded;
}

/**
 * The parts of Cloudflare's `cloudflare:sockets` API this package uses, declared here so that the
 * published declarations do not depend on `@cloudflare/workers-types`, and the lazy loading of the
 * module with a clear error where it does not exist.
 */

/** What `socket.opened` resolves with. */
export interface CloudflareSocketInfo {
  /** The peer's address as workerd reports it (`host:port`), when it does. */
  readonly remoteAddress?: string | undefined;
  /** The local end's address (`host:port`), when workerd reports it. */
  readonly localAddress?: string | undefined;
}

/** A socket of `connect()` from `cloudflare:sockets` (`Socket` in `@cloudflare/workers-types`). */
export interface CloudflareSocket {
  /** The bytes the peer sends, as they arrive; not reading it pushes back through TCP. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Where bytes go to the peer: a write settles once workerd took it; closing it sends a FIN. */
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
  /**
   * TLS: `'off'` (the default) a plain connection, `'on'` TLS from the start, `'starttls'` plain
   * until `startTls()` is called.
   */
  readonly secureTransport?: 'off' | 'on' | 'starttls';
  /**
   * `true`: the peer ending its side does not close ours, so we can still write (our close frame)
   * after its FIN. Default `false`. This package always passes `true`.
   */
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

/**
 * The parts of Bun's socket API this package uses, declared here rather than taken from `bun-types`
 * so that the published declarations do not depend on Bun's global types.
 */

/** A socket of `Bun.connect` or `Bun.listen` (`Socket<Data>` in `bun-types`). */
export interface BunSocket {
  /**
   * Writes `byteLength` bytes of `data` from `byteOffset` (default: all of it), as many as the kernel
   * accepts now, and returns that many (-1 once closed); Bun keeps nothing.
   */
  write(data: Uint8Array, byteOffset?: number, byteLength?: number): number;
  /** Without an argument: shuts the write side (FIN), reading goes on (`shutdown(true)` is not that). */
  shutdown(halfClose?: boolean): void;
  /** Closes now with an RST. */
  terminate(): void;
  /** Stops reading. */
  pause(): void;
  /** Resumes reading. */
  resume(): void;
  /** Disables Nagle's algorithm. */
  setNoDelay?(noDelay?: boolean): boolean;
  /** Lets the process exit while the socket is open. */
  unref?(): void;
  /** Undoes `unref()`. */
  ref?(): void;
  /** The peer's address. */
  readonly remoteAddress: string;
  /** The peer's port (Bun 1.2+). */
  readonly remotePort?: number;
  /** The per-socket data; this package keeps its transport there. */
  data: unknown;
  /** Starts TLS over this connection (a proxy tunnel); returns the raw socket and the TLS socket. */
  upgradeTLS?(options: {
    tls: BunTlsOptions | true;
    socket: BunSocketHandlers;
    data?: unknown;
  }): [BunSocket, BunSocket];
}

/** The handlers of a Bun socket (`SocketHandler` in `bun-types`). */
export interface BunSocketHandlers {
  /** What `data` receives: `'uint8array'` (a plain `Uint8Array`), Node's `Buffer` (`'buffer'`, Bun's default) or `'arraybuffer'`. */
  binaryType?: 'uint8array' | 'buffer' | 'arraybuffer';
  /** The socket is connected (a listener's: accepted). */
  open?(socket: BunSocket): void;
  /** Bytes arrived from the peer, in order. */
  data?(socket: BunSocket, data: Uint8Array): void;
  /** The socket can take more after a `write` that returned less than it was given. */
  drain?(socket: BunSocket): void;
  /** The peer ended its side (FIN); with `allowHalfOpen` we may still write. */
  end?(socket: BunSocket): void;
  /** The socket is closed, with the error that closed it, if any. */
  close?(socket: BunSocket, error?: Error): void;
  /** The socket failed (a read, a write or TLS). */
  error?(socket: BunSocket, error: Error): void;
  /** `Bun.connect` could not connect: refused, unreachable, or the name did not resolve. */
  connectError?(socket: BunSocket, error: Error): void;
  /**
   * The TLS handshake ended: `success` whether it completed, `authorizationError` why the peer's
   * certificate was not trusted (`null` when it was).
   */
  handshake?(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
}

/** TLS options of `Bun.connect` and `Bun.listen` (`TLSOptions` in `bun-types`): `ca`, `cert`, `key`, `serverName`, `rejectUnauthorized`, … */
export type BunTlsOptions = Record<string, unknown>;

/** A listener of `Bun.listen`. */
export interface BunListener {
  /** The address listened on (`undefined` for a Unix socket). */
  readonly hostname: string;
  /** The port listened on (`undefined` for a Unix socket). */
  readonly port: number;
  stop(closeActiveConnections?: boolean): void;
  unref?(): void;
}

/** The `Bun` global, as far as this package uses it. */
export interface BunRuntime {
  connect(options: {
    hostname?: string;
    port?: number;
    unix?: string;
    tls?: boolean | BunTlsOptions;
    allowHalfOpen?: boolean;
    data?: unknown;
    socket: BunSocketHandlers;
  }): Promise<BunSocket>;
  listen(options: {
    hostname?: string;
    port?: number;
    unix?: string;
    tls?: BunTlsOptions;
    allowHalfOpen?: boolean;
    socket: BunSocketHandlers;
  }): BunListener;
  /** A new `Uint8Array` of `size` bytes, not zero-filled. */
  allocUnsafe(size: number): Uint8Array;
}

/**
 * `Bun.allocUnsafe` as the codec's allocator (the session option `allocate`): a joined message or
 * a masked frame overwrites every byte, so zero-filling it (what `new Uint8Array` does, at tens of
 * microseconds per 64 KiB) is wasted. Bun hands out a plain `Uint8Array`, so received messages are
 * the same type whether they were joined or not. One function for every session (the engine shares
 * its encoders by allocator).
 */
export function allocateUnsafe(length: number): Uint8Array {
  return (globalThis as unknown as { Bun: BunRuntime }).Bun.allocUnsafe(length);
}

/**
 * The `Bun` global, or a clear error where it is missing: the package can be imported anywhere
 * (bundlers, type checks, tests), and fails only when used outside Bun.
 */
export function bunRuntime(what: string): BunRuntime {
  const runtime = (globalThis as { Bun?: BunRuntime }).Bun;
  if (runtime === undefined || typeof runtime.connect !== 'function') {
    throw new Error(
      `@wskit/bun: ${what} needs the Bun runtime (Bun.connect and Bun.listen), which is not available here. ` +
        'Run it with Bun, or use @wskit/node in Node.js and @wskit/cloudflare in Cloudflare Workers.',
    );
  }
  return runtime;
}

import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { BunSocket, BunSocketHandlers, BunTlsOptions } from './runtime.js';

/**
 * TLS with the server inside a tunnel that is itself TLS: an `https:` proxy's `CONNECT` tunnel to a
 * `wss:` server (TLS in TLS).
 *
 * Bun's own `socket.upgradeTLS` starts TLS on a plain TCP socket only: on a TLS socket (the
 * connection to an `https:` proxy) it returns `undefined` and starts nothing (Bun 1.4.5). So the
 * inner session is `node:tls`'s (Bun's Node compatibility), over a `Duplex` that reads and writes
 * the outer socket, and the session is shown to the rest of the package as a {@link BunSocket}
 * whose events go to the same handlers as a socket of `Bun.connect` (`BunSocketTransport`'s).
 */
export interface TlsInTunnel {
  /** The inner TLS session, as a socket of this package. */
  readonly socket: BunSocket;
  /** Feed the outer socket's events here once the tunnel is open. */
  readonly outer: Required<Pick<BunSocketHandlers, 'data' | 'drain' | 'end' | 'close'>>;
}

/** `node:tls` options from Bun's TLS options: the same names, but `serverName` is `servername`. */
function nodeTlsOptions(tls: BunTlsOptions, host: string): Record<string, unknown> {
  const { serverName, ...rest } = tls;
  return { ...rest, host, ...(serverName === undefined ? {} : { servername: serverName }) };
}

/**
 * Starts TLS with the server (`tls`: Bun's TLS options, `serverName` the name the certificate is
 * checked against, `host` when there is none) over `outer`, the open tunnel. `handlers` get the
 * inner session's events (`handshake` once it is done, with the certificate's error when
 * `rejectUnauthorized` is `false`); the caller routes the outer socket's events to `outer`.
 */
export async function startTlsInTunnel(
  outer: BunSocket,
  tls: BunTlsOptions,
  host: string,
  handlers: BunSocketHandlers,
): Promise<TlsInTunnel> {
  const [{ Duplex }, { connect }] = await Promise.all([import('node:stream'), import('node:tls')]);
  /** Bytes the outer socket did not take yet, and the write's callback. */
  let unsent: Uint8Array | undefined;
  let written: ((error?: Error | null) => void) | undefined;
  const flush = () => {
    const count = outer.write(unsent!);
    if (count < 0) {
      unsent = undefined;
      written!(new Error('The tunnel closed'));
      return;
    }
    if (count < unsent!.byteLength) {
      unsent = unsent!.subarray(count);
      return;
    }
    unsent = undefined;
    const callback = written!;
    written = undefined;
    callback();
  };
  const tunnel: Duplex = new Duplex({
    read() {
      outer.resume();
    },
    write(chunk: Uint8Array, _encoding, callback) {
      unsent = chunk;
      written = callback;
      flush();
    },
    final(callback) {
      outer.shutdown();
      callback();
    },
    destroy(error, callback) {
      outer.terminate();
      callback(error);
    },
  });
  const inner: TLSSocket = connect({ ...nodeTlsOptions(tls, host), socket: tunnel });
  // A failed write to the outer socket ends the inner session with that error (its events follow).
  tunnel.on('error', (error: Error) => inner.destroy(error));
  let needsDrain = false;
  let closed = false;
  /** Whether the outer socket's end was passed on (once only: a push after it is an error). */
  let ended = false;
  const socket: BunSocket = {
    data: undefined,
    get remoteAddress() {
      return outer.remoteAddress;
    },
    get remotePort() {
      return outer.remotePort;
    },
    write(data, byteOffset = 0, byteLength = data.byteLength - byteOffset) {
      if (closed) return -1;
      if (needsDrain) return 0;
      // A copy: the caller reuses its buffer once write returns, and node:tls may keep the chunk.
      if (!inner.write(Buffer.from(data.subarray(byteOffset, byteOffset + byteLength)))) needsDrain = true;
      return byteLength;
    },
    shutdown() {
      inner.end();
    },
    terminate() {
      inner.destroy();
      outer.terminate();
    },
    pause() {
      inner.pause();
    },
    resume() {
      inner.resume();
    },
    setNoDelay(noDelay) {
      return outer.setNoDelay?.(noDelay) ?? false;
    },
    unref() {
      outer.unref?.();
    },
    ref() {
      outer.ref?.();
    },
  };
  inner.on('secureConnect', () =>
    handlers.handshake?.(
      socket,
      true,
      inner.authorized ? null : new Error(String(inner.authorizationError ?? 'untrusted certificate')),
    ),
  );
  inner.on('data', (chunk: Uint8Array) => handlers.data?.(socket, chunk));
  inner.on('drain', () => {
    needsDrain = false;
    handlers.drain?.(socket);
  });
  inner.on('end', () => handlers.end?.(socket));
  inner.on('error', (error: Error) => handlers.error?.(socket, error));
  inner.on('close', () => {
    closed = true;
    handlers.close?.(socket);
  });
  return {
    socket,
    outer: {
      data(_socket, data) {
        // Bun hands each read its own buffer: it is kept without a copy.
        if (!tunnel.push(data)) outer.pause();
      },
      drain() {
        if (unsent !== undefined) flush();
      },
      end() {
        if (ended) return;
        ended = true;
        tunnel.push(null);
      },
      close(_socket, error) {
        // What the outer socket read is in the tunnel already: ending it lets the inner session
        // read it all, then close; an error ends it at once.
        if (error !== undefined) tunnel.destroy(error);
        else if (!ended) {
          ended = true;
          tunnel.push(null);
        }
      },
    },
  };
}

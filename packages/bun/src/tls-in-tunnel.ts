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
  /** Whether a write was refused, or took part of its bytes: the socket's `drain` is owed. */
  let needsDrain = false;
  let closed = false;
  let drainCheckPlanned = false;
  /**
   * Bytes written to the inner session and not yet taken by the outer socket: node:tls's own
   * buffer, and the TLS records in the tunnel's (node:tls writes its records into the tunnel without
   * waiting for it, so they pile up there while the outer socket pushes back).
   */
  const buffered = () => inner.writableLength + tunnel.writableLength;
  /** Owes the socket's `drain` until what is buffered is below the mark again. */
  const checkDrain = () => {
    drainCheckPlanned = false;
    if (!needsDrain || closed || buffered() >= inner.writableHighWaterMark) return;
    needsDrain = false;
    handlers.drain?.(socket);
  };
  const planDrainCheck = () => {
    if (drainCheckPlanned) return;
    drainCheckPlanned = true;
    queueMicrotask(checkDrain);
  };
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
    // The outer socket took a write: room for more, once the tunnel's next writes were looked at.
    planDrainCheck();
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
      // Only what fits below the high-water mark with what the tunnel still holds, as Bun's own
      // write takes only what the kernel takes: the rest stays with the caller (the transport keeps
      // it, counted in its bufferedAmount, and writes it on drain), not out of sight in the tunnel.
      const count = Math.min(byteLength, Math.max(inner.writableHighWaterMark - buffered(), 0));
      if (count === 0) {
        // Bytes are on their way to the outer socket: its next completed write checks again.
        needsDrain = true;
        return 0;
      }
      // A copy: the caller reuses its buffer once write returns, and node:tls may keep the chunk.
      inner.write(Buffer.from(data.subarray(byteOffset, byteOffset + count)));
      if (count < byteLength || buffered() >= inner.writableHighWaterMark) {
        needsDrain = true;
        planDrainCheck();
      }
      return count;
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
  inner.on('drain', checkDrain);
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

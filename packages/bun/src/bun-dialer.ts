import type { Dialer } from '@wskit/transport';
import { ConnectResponseReader, formatConnectRequest } from '@wskit/transport/proxy-tunnel';
import { BunSocketTransport } from './bun-socket-transport.js';
import { type BunSocket, type BunSocketHandlers, type BunTlsOptions, bunRuntime } from './runtime.js';
import { startTlsInTunnel, type TlsInTunnel } from './tls-in-tunnel.js';

/** Whether `host` is an IP address (no certificate name to ask for). */
const isIpAddress = (host: string) => host.includes(':') || /^\d+\.\d+\.\d+\.\d+$/.test(host);

/**
 * Bun's `tls` option of `Bun.connect`: `true` for an empty set of options, since Bun takes
 * `tls: {}` for no TLS at all (Bun 1.4.5: a plain TCP connection, no handshake event).
 */
const connectTls = (options: BunTlsOptions): BunTlsOptions | true =>
  Object.keys(options).length === 0 ? true : options;

/**
 * The `@wskit/transport` {@link Dialer} of Bun: `Bun.connect` (TCP, half-open allowed), with TLS
 * when `secure` (`serverName` from `servername`; `tls` takes Bun's TLS options, `ca`,
 * `rejectUnauthorized`, … and wins), resolving once connected, TLS handshake and certificate check
 * included, with an unstarted {@link BunSocketTransport}. Rejects with Bun's error (`ECONNREFUSED`,
 * a certificate error) or the signal's reason; outside Bun, with an error saying so. A target with
 * `socketPath` (a `ws+unix:` URL) connects to that Unix domain socket (`Bun.connect({ unix })`).
 *
 * With `proxy`, it connects to the proxy (with TLS for an `https:` proxy, `proxyTls` its Bun TLS
 * options, the certificate checked against the proxy's name), asks for a `CONNECT` tunnel to the
 * server and, for `secure`, runs TLS with the server inside the tunnel: `socket.upgradeTLS` through
 * an `http:` proxy, `node:tls` through an `https:` one (TLS in TLS, which Bun's `upgradeTLS` does
 * not do). A refusal rejects with a `HandshakeFailedError` `WS_ERR_UPGRADE_PROXY` (its `status`:
 * 407 wants credentials in the proxy URL).
 */
export const bunDialer: Dialer = (target) => {
  let bun: ReturnType<typeof bunRuntime>;
  try {
    bun = bunRuntime('bunDialer');
  } catch (error) {
    return Promise.reject(error);
  }
  const { signal, proxy } = target;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const tls: BunTlsOptions | undefined = target.secure
    ? {
        ...(target.servername === undefined ? {} : { serverName: target.servername }),
        ...(target.tls as BunTlsOptions | undefined),
      }
    : undefined;
  /** TLS to an `https:` proxy: checked against the proxy's name (not the server's). */
  const proxyTls: BunTlsOptions | undefined = proxy?.secure
    ? {
        ...(isIpAddress(proxy.host) ? {} : { serverName: proxy.host }),
        ...(target.proxyTls as BunTlsOptions | undefined),
      }
    : undefined;
  return new Promise((resolve, reject) => {
    let settled = false;
    let transport: BunSocketTransport | undefined;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: unknown, socket?: BunSocket) =>
      settle(() => {
        socket?.terminate();
        reject(error);
      });
    let opened: BunSocket | undefined;
    const onAbort = () => fail(signal!.reason, transport?.socket ?? opened);
    signal?.addEventListener('abort', onAbort, { once: true });
    const routed = BunSocketTransport.handlers;
    const ready = (socket: BunSocket) => {
      transport = new BunSocketTransport(socket);
      settle(() => resolve(transport!));
    };
    /** The handlers of the connection to the server (or of TLS inside the tunnel). */
    const handlers: BunSocketHandlers = {
      ...routed,
      handshake(socket, success, authorizationError) {
        if (!success || (authorizationError && tls?.rejectUnauthorized !== false)) {
          fail(authorizationError ?? new Error('The TLS handshake failed'), socket);
          return;
        }
        ready(socket);
      },
      connectError(_socket, error) {
        fail(error);
      },
      error(socket, error) {
        if (!settled) fail(error, socket);
        else routed.error!(socket, error);
      },
      close(socket, error) {
        if (!settled) fail(error ?? new Error('The connection closed while it was being opened'));
        routed.close!(socket, error);
      },
    };
    // Through a proxy: the CONNECT exchange first, on the proxy's connection.
    const reader =
      proxy === undefined
        ? undefined
        : new ConnectResponseReader(
            proxy,
            `${target.secure ? 'wss' : 'ws'}://${target.host}:${target.port}/`,
          );
    let unsent: Uint8Array | undefined;
    /** Whether TLS runs inside the tunnel: the proxy connection's own events then carry TLS records. */
    let upgraded = false;
    /** TLS inside an `https:` proxy's tunnel: the proxy connection's events are fed to it. */
    let inTunnel: TlsInTunnel | undefined;
    const send = (socket: BunSocket) => {
      const written = socket.write(unsent!);
      unsent = written >= unsent!.length ? undefined : unsent!.subarray(Math.max(written, 0));
    };
    const tunnelOpen = (socket: BunSocket) => {
      if (tls === undefined) {
        ready(socket);
        return;
      }
      if (proxyTls !== undefined) {
        // TLS in TLS: Bun's upgradeTLS works on a plain TCP socket only.
        upgraded = true;
        startTlsInTunnel(socket, tls, target.host, handlers).then(
          (started) => {
            inTunnel = started;
            opened = started.socket;
            if (settled) started.socket.terminate();
          },
          (error: unknown) => fail(error, socket),
        );
        return;
      }
      if (typeof socket.upgradeTLS !== 'function') {
        fail(
          new TypeError(
            '@wskit/bun: this Bun has no socket.upgradeTLS: wss: through a proxy needs Bun 1.2 or later',
          ),
          socket,
        );
        return;
      }
      upgraded = true;
      const [, secured] = socket.upgradeTLS({ tls: connectTls(tls), socket: handlers });
      opened = secured;
    };
    bun
      .connect({
        ...(target.socketPath !== undefined
          ? { unix: target.socketPath }
          : proxy !== undefined
            ? { hostname: proxy.host, port: proxy.port }
            : { hostname: target.host, port: target.port }),
        allowHalfOpen: true,
        ...(proxy !== undefined
          ? proxyTls === undefined
            ? {}
            : { tls: connectTls(proxyTls) }
          : tls === undefined
            ? {}
            : { tls: connectTls(tls) }),
        socket: {
          ...handlers,
          open(socket) {
            opened = socket;
            if (settled) {
              socket.terminate(); // aborted while connecting
              return;
            }
            if (reader !== undefined) {
              // To an https: proxy, CONNECT goes once its TLS handshake is done.
              if (proxyTls !== undefined) return;
              unsent = formatConnectRequest(proxy!, target.host, target.port);
              send(socket);
              return;
            }
            // The transport pauses the socket: with TLS, only once the TLS handshake is done.
            if (tls !== undefined) return;
            ready(socket);
          },
          handshake(socket, success, authorizationError) {
            if (proxyTls === undefined) {
              handlers.handshake!(socket, success, authorizationError);
              return;
            }
            if (settled) return;
            if (!success || (authorizationError && proxyTls.rejectUnauthorized !== false)) {
              fail(authorizationError ?? new Error('The TLS handshake with the proxy failed'), socket);
              return;
            }
            unsent = formatConnectRequest(proxy!, target.host, target.port);
            send(socket);
          },
          data(socket, data) {
            if (inTunnel !== undefined) {
              inTunnel.outer.data(socket, data);
              return;
            }
            if (upgraded) return;
            if (reader === undefined || socket.data instanceof BunSocketTransport || settled) {
              routed.data!(socket, data);
              return;
            }
            try {
              if (reader.write(data)) tunnelOpen(socket);
            } catch (error) {
              fail(error, socket);
            }
          },
          close(socket, error) {
            if (inTunnel !== undefined) inTunnel.outer.close(socket, error);
            else handlers.close!(socket, error);
          },
          drain(socket) {
            if (inTunnel !== undefined) inTunnel.outer.drain(socket);
            else if (unsent !== undefined) send(socket);
            else routed.drain!(socket);
          },
          end(socket) {
            if (inTunnel !== undefined) inTunnel.outer.end(socket);
            if (upgraded) return;
            if (reader !== undefined && !settled && !(socket.data instanceof BunSocketTransport)) {
              try {
                reader.closed();
              } catch (error) {
                fail(error, socket);
              }
              return;
            }
            routed.end!(socket);
          },
        },
      })
      .catch((error: unknown) => fail(error));
  });
};

import type { Dialer } from '@wskit/transport';
import { BunSocketTransport } from './bun-socket-transport.js';
import { type BunSocket, type BunTlsOptions, bunRuntime } from './runtime.js';

/**
 * The `@wskit/transport` {@link Dialer} of Bun: `Bun.connect` (TCP, half-open allowed), with TLS
 * when `secure` (`serverName` from `servername`; `tls` takes Bun's TLS options, `ca`,
 * `rejectUnauthorized`, … and wins), resolving once connected, TLS handshake and certificate check
 * included, with an unstarted {@link BunSocketTransport}. Rejects with Bun's error (`ECONNREFUSED`,
 * a certificate error) or the signal's reason; outside Bun, with an error saying so. A target with
 * `socketPath` (a `ws+unix:` URL) connects to that Unix domain socket (`Bun.connect({ unix })`).
 */
export const bunDialer: Dialer = (target) => {
  let bun: ReturnType<typeof bunRuntime>;
  try {
    bun = bunRuntime('bunDialer');
  } catch (error) {
    return Promise.reject(error);
  }
  const { signal } = target;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const tls: BunTlsOptions | undefined = target.secure
    ? {
        ...(target.servername === undefined ? {} : { serverName: target.servername }),
        ...(target.tls as BunTlsOptions | undefined),
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
    bun
      .connect({
        ...(target.socketPath === undefined
          ? { hostname: target.host, port: target.port }
          : { unix: target.socketPath }),
        allowHalfOpen: true,
        ...(tls === undefined ? {} : { tls }),
        socket: {
          ...routed,
          open(socket) {
            opened = socket;
            if (settled) {
              socket.terminate(); // aborted while connecting
              return;
            }
            // The transport pauses the socket: with TLS, only once the TLS handshake is done.
            if (tls !== undefined) return;
            transport = new BunSocketTransport(socket);
            settle(() => resolve(transport!));
          },
          handshake(socket, success, authorizationError) {
            if (!success || (authorizationError && tls?.rejectUnauthorized !== false)) {
              fail(authorizationError ?? new Error('The TLS handshake failed'), socket);
              return;
            }
            transport = new BunSocketTransport(socket);
            settle(() => resolve(transport!));
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
        },
      })
      .catch((error: unknown) => fail(error));
  });
};

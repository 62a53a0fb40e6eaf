import type { Socket } from 'node:net';
import { type HandshakeRequest, HeaderList, type ResponseHead } from '@wskit/handshake';
import type { WebSocketTarget } from '@wskit/transport';
import { BodyCollector, UpgradeErrorCodes } from '@wskit/transport';
import type { Dispatcher } from 'undici';
import type { AttemptContext } from './client-attempt.js';
import { HandshakeFailedError } from './errors.js';
import { NodeSocketTransport } from './node-socket-transport.js';

/**
 * What one handshake attempt through a dispatcher produced: a `101` response with the transport
 * over the upgraded socket (its response still to be validated), or another response with the
 * start of its body (the connection is closed).
 */
export type AttemptResult =
  | {
      readonly kind: 'upgrade';
      readonly response: ResponseHead;
      readonly transport: NodeSocketTransport;
      readonly earlyData: Uint8Array;
    }
  | { readonly kind: 'response'; readonly response: ResponseHead; readonly body: Uint8Array };

/** Request headers undici writes itself for an upgrade (`upgrade: 'websocket'`) and refuses from us. */
const SET_BY_UNDICI = new Set(['upgrade', 'connection']);

/** Reads undici's raw header list (alternating names and values) into a {@link HeaderList}. */
function headersFromRaw(raw: readonly (Buffer | string)[] | null): HeaderList {
  return HeaderList.fromRawHeaders(
    (raw ?? []).map((item) => (typeof item === 'string' ? item : item.toString('latin1'))),
  );
}

/** Whether an error from undici says the proxy refused or broke the tunnel. */
function isProxyFailure(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  const name = error instanceof Error ? error.name : '';
  return (
    /proxy/i.test(message) ||
    /proxy/i.test(name) ||
    (error as { code?: unknown })?.code === 'UND_ERR_PRX_TLS' ||
    message === 'bad connect'
  );
}

/**
 * One opening handshake through an undici `Dispatcher` (a `ProxyAgent`, an `EnvHttpProxyAgent`, or
 * any other): undici opens the connection (through the proxy's `CONNECT` tunnel, with TLS to the
 * server for `wss:`), writes our request with `upgrade: 'websocket'`, and hands over the socket on
 * a 101; bytes that came after the head stay in the socket (undici unshifts them). Another status is
 * reported with its headers and the start of its body.
 */
export function dispatcherAttempt(
  dispatcher: Dispatcher,
  target: WebSocketTarget,
  request: HandshakeRequest,
  context: AttemptContext,
): Promise<AttemptResult> {
  const { signal } = context;
  if (signal.aborted) return Promise.reject(signal.reason);
  const headers: string[] = [];
  for (const [name, value] of request.headers) {
    if (!SET_BY_UNDICI.has(name.toLowerCase())) headers.push(name, value);
  }
  const url = target.url.href;
  return new Promise((resolve, reject) => {
    let settled = false;
    let abortRequest: ((reason?: Error) => void) | undefined;
    let response: ResponseHead | undefined;
    let body: BodyCollector | undefined;
    const settle = () => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      if (settled) return;
      settle();
      abortRequest?.(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort);
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort) {
        abortRequest = abort;
        if (settled) abort(signal.reason instanceof Error ? signal.reason : undefined);
      },
      onUpgrade(statusCode, rawHeaders, socket) {
        const transport = new NodeSocketTransport(socket as Socket);
        if (settled) {
          transport.abort();
          return;
        }
        settle();
        const head: ResponseHead = {
          version: '1.1',
          status: statusCode,
          reason: '',
          headers: headersFromRaw(rawHeaders),
        };
        resolve({ kind: 'upgrade', response: head, transport, earlyData: new Uint8Array(0) });
      },
      onHeaders(statusCode, rawHeaders, _resume, statusText) {
        if (statusCode < 200) return true;
        response = {
          version: '1.1',
          status: statusCode,
          reason: statusText ?? '',
          headers: headersFromRaw(rawHeaders),
        };
        body = new BodyCollector();
        if (!context.wantBody(response)) {
          settle();
          resolve({ kind: 'response', response, body: new Uint8Array(0) });
          abortRequest?.(new Error('response not needed'));
        }
        return true;
      },
      onData(chunk) {
        body?.add(chunk);
        return true;
      },
      onComplete() {
        if (settled || !response) return;
        settle();
        resolve({ kind: 'response', response, body: body!.bytes() });
      },
      onError(error) {
        if (settled) return;
        settle();
        if (response) {
          resolve({ kind: 'response', response, body: body!.bytes() });
          return;
        }
        if (isProxyFailure(error)) {
          reject(
            new HandshakeFailedError({
              code: 'WS_ERR_UPGRADE_PROXY',
              message: `${UpgradeErrorCodes.WS_ERR_UPGRADE_PROXY}: ${error.message}`,
              url,
              cause: error,
            }),
          );
          return;
        }
        reject(error);
      },
    };
    try {
      dispatcher.dispatch(
        {
          origin: `${target.secure ? 'https' : 'http'}://${target.url.host}`,
          path: target.path,
          method: 'GET',
          headers,
          upgrade: 'websocket',
        },
        handler,
      );
    } catch (error) {
      settle();
      reject(error);
    }
  });
}

import { isHandshakeFailedError, type WebSocket } from '@wskit/transport';
import { type ConnectOptions, connect } from './connect.js';

/** The WebSocket of a Workers `WebSocketPair`, as far as the bridge uses it. */
interface PairSocket {
  accept(): void;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: string | ArrayBuffer }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: () => void): void;
}

/** The options of {@link bridgeWebSocket}: those of {@link connect}, for the upstream connection. */
export interface BridgeOptions extends ConnectOptions {}

/** Whether `code` may be sent in a close frame (RFC 6455 §7.4). */
function sendable(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** The subprotocols of the request's `Sec-WebSocket-Protocol` headers. */
function offeredProtocols(request: Request): string[] {
  const value = request.headers.get('sec-websocket-protocol');
  return value === null
    ? []
    : value
        .split(',')
        .map((protocol) => protocol.trim())
        .filter(Boolean);
}

/**
 * Bridges a WebSocket upgrade request a Worker received to an upstream WebSocket server, through
 * this package's client (the serverless proxy): connects to `upstream` (offering the client's
 * subprotocols unless `options.protocols` says otherwise), then answers `101` with the client end of
 * a `WebSocketPair` and the subprotocol upstream selected, and relays messages both ways (text as
 * text, binary as binary) and the close (code and reason; 1006 upstream becomes 1011 for the client,
 * an abrupt client close terminates upstream).
 *
 * A request without `Upgrade: websocket` gets 426; an upstream that refuses or cannot be reached,
 * 502 (with the upstream status in the body when there was one).
 *
 * ```ts
 * export default {
 *   fetch: (request) => bridgeWebSocket(request, 'wss://backend.example.com/socket'),
 * };
 * ```
 */
export async function bridgeWebSocket(
  request: Request,
  upstream: string | URL,
  options: BridgeOptions = {},
): Promise<Response> {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    return new Response('Expected a WebSocket upgrade\n', { status: 426, headers: { Upgrade: 'websocket' } });
  }
  let upstreamSocket: WebSocket;
  try {
    upstreamSocket = await connect(upstream, {
      ...options,
      protocols: options.protocols ?? offeredProtocols(request),
    });
  } catch (error) {
    const detail =
      isHandshakeFailedError(error) && error.status !== undefined
        ? ` (upstream answered ${error.status})`
        : '';
    return new Response(`The upstream WebSocket server could not be reached${detail}\n`, { status: 502 });
  }
  const Pair = (globalThis as unknown as { WebSocketPair: new () => Record<0 | 1, PairSocket> })
    .WebSocketPair;
  const pair = new Pair();
  const client = pair[0];
  const server = pair[1];
  server.accept();
  server.addEventListener('message', (event) => {
    void upstreamSocket.send(typeof event.data === 'string' ? event.data : new Uint8Array(event.data));
  });
  server.addEventListener('close', (event) => {
    if (event.code === 1006) upstreamSocket.terminate();
    else if (sendable(event.code)) upstreamSocket.close(event.code, event.reason);
    else upstreamSocket.close();
  });
  server.addEventListener('error', () => upstreamSocket.terminate());
  upstreamSocket.on('error', () => {}); // the close event says enough
  upstreamSocket.on('message', (data) => server.send(data));
  upstreamSocket.on('close', (code, reason) => {
    try {
      if (sendable(code)) server.close(code, reason);
      else if (code === 1005) server.close();
      else server.close(1011, 'upstream connection lost');
    } catch {
      // Already closed by the client.
    }
  });
  const headers = upstreamSocket.protocol ? { 'Sec-WebSocket-Protocol': upstreamSocket.protocol } : undefined;
  return new Response(null, { status: 101, webSocket: client, headers } as ResponseInit);
}

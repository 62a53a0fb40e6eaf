/**
 * A Cloudflare Worker that reaches WebSocket servers over `cloudflare:sockets` with
 * `@wskit/cloudflare`:
 *
 * - `GET /?url=ws://host:port/path&message=hello`: connects to `url`, sends `message`, waits for the
 *   first reply and answers with JSON `{ sent, received, type, protocol, closeCode }`;
 * - `/bridge`: a WebSocket upgrade, relayed by `bridgeWebSocket` to the server in `UPSTREAM_URL`;
 * - `/rooms/<room>`: a chat room held by a Durable Object with WebSocket hibernation (`ChatRoom`,
 *   src/room.ts): a WebSocket upgrade with `?name=` joins it, a plain `GET` shows who is in it.
 */
import { bridgeWebSocket, connect, isHandshakeFailedError } from '@wskit/cloudflare';
import type { RoomEnv } from './room.ts';
import type { DurableObjectNamespace } from './workers-runtime.ts';

export { ChatRoom, type RoomStatus } from './room.ts';

/** The Worker's bindings (`[vars]` and `[[durable_objects.bindings]]` in wrangler.toml). */
export interface Env extends RoomEnv {
  /** The WebSocket server `/bridge` relays to, e.g. `wss://backend.example.com/echo`. */
  readonly UPSTREAM_URL?: string;
  /** The rooms: one `ChatRoom` object per room name. */
  readonly ROOMS: DurableObjectNamespace;
}

/** A room's name in `/rooms/<room>`: letters, digits, `-`, `_` and `.`, at most 64. */
const ROOM_PATH = /^\/rooms\/([\w.-]{1,64})$/;

/** What `GET /` answers once the server replied. */
export interface ExchangeResult {
  /** The message sent. */
  readonly sent: string;
  /** The first message received: text as it is, binary in base64. */
  readonly received: string;
  /** Whether that message was text or binary. */
  readonly type: 'text' | 'binary';
  /** The subprotocol the server selected (`''` for none). */
  readonly protocol: string;
  /** The code of the close handshake that followed. */
  readonly closeCode: number;
}

/** How long to wait for the opening handshake, and then for the first reply (milliseconds). */
const DEFAULT_TIMEOUT = 5_000;

function error(status: number, message: string, details: Record<string, unknown> = {}): Response {
  return Response.json({ error: message, ...details }, { status });
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Connects to `target`, sends `message`, takes the first reply and closes with 1000. */
async function exchange(
  target: string,
  message: string,
  protocols: string[],
  timeout: number,
): Promise<Response> {
  let ws: Awaited<ReturnType<typeof connect>>;
  try {
    ws = await connect(target, { protocols, handshakeTimeout: timeout });
  } catch (cause) {
    if (isHandshakeFailedError(cause)) {
      return error(502, 'the server refused the WebSocket handshake', {
        code: cause.code,
        status: cause.status,
      });
    }
    return error(502, `could not connect: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const deadline = AbortSignal.timeout(timeout);
  const timedOut = new Promise<undefined>((resolve) => {
    deadline.addEventListener('abort', () => resolve(undefined), { once: true });
  });
  const firstMessage = (async () => {
    for await (const received of ws) return received;
    return undefined; // closed before a message came
  })();
  try {
    await ws.send(message);
    const received = await Promise.race([firstMessage, timedOut]);
    if (received === undefined) {
      ws.terminate();
      return error(504, 'no reply before the connection closed or the timeout');
    }
    ws.close(1000, 'done');
    const closed = await ws.closed;
    const result: ExchangeResult = {
      sent: message,
      received: typeof received === 'string' ? received : base64(received),
      type: typeof received === 'string' ? 'text' : 'binary',
      protocol: ws.protocol,
      closeCode: closed.code,
    };
    return Response.json(result);
  } catch (cause) {
    ws.terminate();
    return error(502, `the connection failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/': {
        const target = url.searchParams.get('url');
        if (target === null) return error(400, 'give the WebSocket server as ?url=ws://host:port/path');
        if (!/^wss?:\/\//i.test(target)) return error(400, 'url must be a ws: or wss: URL');
        const timeout = Number(url.searchParams.get('timeout') ?? DEFAULT_TIMEOUT);
        if (!(timeout > 0)) return error(400, 'timeout must be a positive number of milliseconds');
        return exchange(
          target,
          url.searchParams.get('message') ?? 'hello',
          url.searchParams.getAll('protocol'),
          timeout,
        );
      }
      case '/bridge':
        if (!env.UPSTREAM_URL) return error(500, 'set UPSTREAM_URL to the server /bridge relays to');
        return bridgeWebSocket(request, env.UPSTREAM_URL);
      default: {
        const room = ROOM_PATH.exec(url.pathname)?.[1];
        if (room !== undefined) return env.ROOMS.get(env.ROOMS.idFromName(room)).fetch(request);
        return error(404, 'not found: try /?url=ws://host:port/path&message=hello, /bridge or /rooms/<room>');
      }
    }
  },
};

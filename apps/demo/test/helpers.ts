import { type ConnectOptions, connect, type WebSocketSession } from '@wskit/node';
import { afterEach } from 'vitest';
import { type DemoServer, startDemoServer } from '../src/demo-server.ts';
import type { ServerMessage } from '../src/protocol.ts';

// The tests talk to loopback servers: a proxy named by the environment must not apply.
for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY']) delete process.env[name];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Registers a cleanup for the end of the current test (last registered runs first). */
export function defer(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** Starts the demo server on a free loopback port, closed after the test. */
export async function startServer(): Promise<DemoServer> {
  const server = await startDemoServer({ port: 0, host: '127.0.0.1' });
  defer(() => server.close());
  return server;
}

type Typed<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

const latestStats = new WeakMap<WebSocketSession, Typed<'stats'>>();

/** A `@wskit/node` client in the room, keeping what it received for the test to wait on. */
export interface RoomClient {
  readonly socket: WebSocketSession;
  /** Every JSON message received but the figures, in order. */
  readonly messages: ServerMessage[];
  /** Every binary message received, in order. */
  readonly binaries: Uint8Array[];
  /** The next (or an already received, not yet taken) message of `type`. */
  next<T extends ServerMessage['type']>(type: T, timeout?: number): Promise<Typed<T>>;
  /** Sends a message as JSON. */
  send(message: unknown): Promise<void>;
}

/** Joins the room of `server` as `name` (none: the server picks one); waits for the welcome. */
export async function joinRoom(
  server: DemoServer,
  name?: string,
  options: ConnectOptions = {},
): Promise<RoomClient & { readonly welcome: Typed<'welcome'> }> {
  const query = name === undefined ? '' : `?name=${encodeURIComponent(name)}`;
  const socket = await connect(`ws://127.0.0.1:${server.port}/ws${query}`, options);
  defer(() => {
    if (socket.readyState === socket.OPEN) socket.close(1000);
    return socket.closed;
  });
  const messages: ServerMessage[] = [];
  const binaries: Uint8Array[] = [];
  const taken = new Set<ServerMessage>();
  let wake: (() => void) | undefined;
  socket.on('message', (data) => {
    if (typeof data === 'string') {
      const message = JSON.parse(data) as ServerMessage;
      if (message.type !== 'stats') messages.push(message);
      else latestStats.set(socket, message);
    } else {
      binaries.push(data);
    }
    wake?.();
  });
  const client: RoomClient = {
    socket,
    messages,
    binaries,
    async next(type, timeout = 5000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const found = messages.find((message) => message.type === type && !taken.has(message));
        if (found) {
          taken.add(found);
          return found as Typed<typeof type>;
        }
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no ${type} message within ${timeout} ms; got ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    send: (message) => socket.send(JSON.stringify(message)),
  };
  const welcome = await client.next('welcome');
  return Object.assign(client, { welcome });
}

/** The last figures a client received, if any. */
export function lastStats(client: RoomClient): Typed<'stats'> | undefined {
  return latestStats.get(client.socket);
}

/** Polls `condition` every 20 ms until it holds, or fails after `timeout`. */
export async function waitFor(condition: () => boolean, what: string, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

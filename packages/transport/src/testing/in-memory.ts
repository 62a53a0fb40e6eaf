import { openWebSocket, type SessionOptions, type WebSocket } from '@wskit/transport';
import type { ConformanceEnv } from './conformance-cases.js';
import { serveConformance } from './conformance-server.js';
import { upgradeInMemory } from './in-memory-upgrade.js';
import { createTransportPair, type TransportPair, type TransportPairOptions } from './transport-pair.js';

/** Options of {@link createWebSocketPair}. */
export interface WebSocketPairOptions {
  /** The client session's options. */
  client?: SessionOptions;
  /** The server session's options. */
  server?: SessionOptions;
  /** The transport pair's options. */
  transport?: TransportPairOptions;
  /** The URL both sides show (default `ws://memory/`). */
  url?: string;
  /** The subprotocol both sides show (default `''`). */
  protocol?: string;
}

/** A client and a server WebSocket over an in-memory transport pair. */
export interface WebSocketPair {
  /** The client session. */
  readonly client: WebSocket;
  /** The server session. */
  readonly server: WebSocket;
  /** The transports under them. */
  readonly transports: TransportPair;
}

/** Opens two sessions wired to each other over {@link createTransportPair}, as if a handshake had succeeded. */
export function createWebSocketPair(options: WebSocketPairOptions = {}): WebSocketPair {
  const transports = createTransportPair(options.transport);
  const url = options.url ?? 'ws://memory/';
  const protocol = options.protocol ?? '';
  const server = openWebSocket(transports.server, { ...options.server, role: 'server', url, protocol });
  const client = openWebSocket(transports.client, { ...options.client, role: 'client', url, protocol });
  return { client, server, transports };
}

/** Options of {@link inMemoryConformanceEnv}. */
export interface InMemoryConformanceEnvOptions {
  /** The server sessions' options (the suite expects the defaults). */
  server?: SessionOptions;
  /** The transport pairs' options. */
  transport?: TransportPairOptions;
  /**
   * Run a real HTTP/1.1 opening handshake (`@wskit/handshake`) over each pair first, as an adapter
   * does, and open the sessions with the bytes after the heads as `earlyData` (default false: the
   * sessions are opened directly).
   */
  handshake?: boolean;
}

/**
 * A {@link ConformanceEnv} over in-memory transport pairs: every `connect` opens a pair of sessions
 * and hands the server one to `serveConformance`. The reference the runtime adapters compare with.
 */
export function inMemoryConformanceEnv(options: InMemoryConformanceEnvOptions = {}): ConformanceEnv {
  return {
    async connect(path, sessionOptions) {
      if (options.handshake) {
        const pair = createTransportPair(options.transport);
        return upgradeInMemory(pair, path, sessionOptions, options.server, (ws, target) => {
          void serveConformance(ws, target);
        });
      }
      const { client, server } = createWebSocketPair({
        client: sessionOptions,
        server: options.server,
        transport: options.transport,
        url: new URL(path, 'ws://memory').href,
      });
      void serveConformance(server, path);
      return client;
    },
  };
}

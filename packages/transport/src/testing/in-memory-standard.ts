import {
  CloseEvent,
  ErrorEvent,
  MessageEvent,
  StandardWebSocket,
  type WebSocketConnector,
  WebSocketStream,
  type WebSocketStreamOptions,
} from '@wskit/transport';
import { serveConformance } from './conformance-server.js';
import { createWebSocketPair } from './in-memory.js';
import { type StandardEnv, standardSelectProtocol } from './standard-cases.js';

/** Opens an in-memory pair whose server runs the conformance behaviour of the URL's path. */
const memoryConnector: WebSocketConnector = async (url, protocols) => {
  const { client, server } = createWebSocketPair({
    protocol: standardSelectProtocol(protocols) ?? '',
    url: url.href,
  });
  void serveConformance(server, url.pathname + url.search);
  return client;
};

/** `StandardWebSocket` over in-memory pairs. */
class MemoryWebSocket extends StandardWebSocket {
  constructor(url: string | URL, protocols?: string | readonly string[]) {
    super(url, protocols, { connect: memoryConnector });
  }
}

/** `WebSocketStream` over in-memory pairs. */
class MemoryWebSocketStream extends WebSocketStream {
  constructor(url: string | URL, options?: WebSocketStreamOptions) {
    super(url, options, { connect: memoryConnector });
  }
}

/**
 * A {@link StandardEnv} over in-memory pairs (the server side runs `serveConformance` and picks
 * subprotocols with `standardSelectProtocol`): the reference the runtime adapters compare with.
 */
export function inMemoryStandardEnv(): StandardEnv {
  return {
    WebSocket: MemoryWebSocket,
    WebSocketStream: MemoryWebSocketStream,
    CloseEvent,
    MessageEvent,
    ErrorEvent,
    url: (path) => new URL(path, 'ws://memory.invalid').href,
  };
}

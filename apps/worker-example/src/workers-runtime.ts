/**
 * The parts of the Workers runtime's Durable Object and WebSocket API that the room uses, typed
 * here (the app's type check has no `@cloudflare/workers-types`). Names and shapes follow
 * Cloudflare's documentation of the WebSocket Hibernation API.
 */

/** A server-side WebSocket the runtime owns (one end of a `WebSocketPair`). */
export interface RuntimeWebSocket {
  readonly readyState: number;
  send(message: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  /** Keeps a small value with the socket that survives hibernation (at most 2 KiB serialized). */
  serializeAttachment(value: unknown): void;
  /** The value last given to `serializeAttachment`, or `null`. */
  deserializeAttachment(): unknown;
}

/** A request/response pair the runtime answers by itself, without waking the object. */
export interface WebSocketRequestResponsePairConstructor {
  new (request: string, response: string): unknown;
}

/** The state a Durable Object is constructed with (`ctx` in Cloudflare's documentation). */
export interface DurableObjectState {
  /** Hands `socket` to the runtime: it stays open while the object hibernates; `tags` find it again. */
  acceptWebSocket(socket: RuntimeWebSocket, tags?: string[]): void;
  /** The accepted sockets, all of them or those with `tag`, including after a wake-up. */
  getWebSockets(tag?: string): RuntimeWebSocket[];
  /** The tags `socket` was accepted with. */
  getTags(socket: RuntimeWebSocket): string[];
  /** A message the runtime answers for the object, hibernated or not. */
  setWebSocketAutoResponse(pair?: unknown): void;
}

/** A Durable Object namespace binding. */
export interface DurableObjectNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(request: Request): Promise<Response> };
}

/** The runtime's globals the room uses. */
export const runtime = globalThis as unknown as {
  readonly WebSocketPair: new () => Record<0 | 1, RuntimeWebSocket>;
  readonly WebSocketRequestResponsePair: WebSocketRequestResponsePairConstructor;
};

/** A `101 Switching Protocols` response that hands `socket` (the client's end) to the runtime. */
export function switchingProtocols(socket: RuntimeWebSocket): Response {
  return new Response(null, { status: 101, webSocket: socket } as ResponseInit);
}

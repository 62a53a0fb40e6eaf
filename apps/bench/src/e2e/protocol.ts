/**
 * What the parent and its child processes say to each other: a request as the child's one
 * command-line argument (JSON), answers as JSON lines on the child's standard output. Lines work
 * the same under Node and Bun, where Node's IPC channel would not.
 */

/** Clients the Node client process runs (`ws` and `ws-bufferutil` differ by `WS_NO_BUFFER_UTIL`). */
export type NodeClientKind = 'wskit' | 'ws' | 'ws-bufferutil' | 'undici' | 'tcp';
/** Clients the Bun client process runs. */
export type BunClientKind = 'bun-wskit' | 'bun-native';
export type ClientKind = NodeClientKind | BunClientKind;

/** Servers of the Node server process. */
export type NodeServerKind = 'wskit' | 'ws' | 'tcp';
/** Servers of the Bun server process. */
export type BunServerKind = 'bun-wskit' | 'bun-native' | 'tcp';
export type ServerKind = NodeServerKind | BunServerKind;

/** The request of a server process. */
export interface ServerRequest {
  server: ServerKind;
  /** permessage-deflate accepted (WebSocket servers only). */
  deflate: boolean;
}

/** The request of a client process: one run. */
export interface ClientRequest {
  client: ClientKind;
  port: number;
  connections: number;
  depth: number;
  payloadBytes: number;
  /** JSON-like text messages instead of binary ones. */
  text: boolean;
  /** permessage-deflate offered (and required: the run fails if it is not agreed). */
  deflate: boolean;
  warmupMs: number;
  measureMs: number;
}

/** The request of the memory server process. */
export interface MemoryRequest {
  server: 'wskit' | 'ws';
  connections: number;
  /** Connections opened first and not counted (see memory-server.ts); none by default. */
  warmup?: number;
}

/** Memory per idle connection, from the difference before and after `connections` were opened. */
export interface MemoryResult {
  connections: number;
  rssBytesPerConnection: number;
  heapBytesPerConnection: number;
  /** `external` (Buffers and other memory outside the V8 heap) per connection. */
  externalBytesPerConnection: number;
}

/** A line a child prints. */
export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string };

/** Prints one message line (on Node and Bun alike). */
export function say(message: ChildMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** Reads the request from the command line (the first argument that is JSON). */
export function readRequest<T>(): T {
  const argument = process.argv.slice(2).find((item) => item.startsWith('{'));
  if (argument === undefined) throw new Error('usage: <script> <request as JSON>');
  return JSON.parse(argument) as T;
}

/** Calls `stop` once the parent closes our standard input (or goes away). */
export function onParentGone(stop: () => void): void {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

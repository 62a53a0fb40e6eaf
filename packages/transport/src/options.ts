import type { MaskKeyPool, Role, Utf8Check } from '@wskit/codec';
import type { ConnectionExtension } from '@wskit/protocol';
import type { EncodedText } from './encoded-text.js';
import type { TopicHub } from './topics.js';
import type { WebSocket } from './websocket.js';

/** Defaults of the session driver's own options, in bytes and messages. */
export const DefaultSessionOptions = {
  /**
   * `bufferedAmount` at or above which a sender should wait for `drain` while the transport pushes
   * back (64 KiB). It also caps how many bytes one transport write carries.
   */
  highWaterMark: 64 * 1024,
  /**
   * Received messages kept for a consumer that has not taken them yet (an async iterator, or no
   * consumer at all) before reading from the transport pauses (16).
   */
  maxBufferedMessages: 16,
  /**
   * Payload bytes of received messages kept for a consumer that has not taken them yet before
   * reading from the transport pauses (32 MiB): with `maxBufferedMessages`, whichever comes first.
   * Sixteen 16 MiB messages would otherwise be 256 MiB per connection.
   */
  maxBufferedBytes: 32 * 1024 * 1024,
  /**
   * Milliseconds the transport may push back without any progress (its `write` returned `false`
   * and no `onDrain` came) before the connection fails with 1008 and the transport is dropped
   * (30 s; 0: no limit): a peer that stops reading cannot hold the queued bytes forever.
   */
  writeTimeout: 30_000,
} as const;

/**
 * The options of a WebSocket session that do not come from the handshake: the driver's buffering
 * and the engine's limits and timeouts. Runtime adapters accept these from their users and pass them
 * on to {@link openWebSocket} unchanged.
 */
export interface SessionOptions {
  /** See `DefaultSessionOptions.highWaterMark` (default 64 KiB). */
  highWaterMark?: number;
  /** See `DefaultSessionOptions.maxBufferedMessages` (default 16). */
  maxBufferedMessages?: number;
  /** See `DefaultSessionOptions.maxBufferedBytes` (default 32 MiB). */
  maxBufferedBytes?: number;
  /** Answer pings with pongs automatically (default true); pongs that cannot be written yet coalesce into one. */
  autoPong?: boolean;
  /**
   * Most pings that may arrive while our automatic pong waits to be written (default 4096); one more
   * fails the connection with 1008 (`WS_ERR_PING_FLOOD`).
   */
  maxPendingPings?: number;
  /** See `DefaultSessionOptions.writeTimeout` (default 30 000 ms; 0: no limit). */
  writeTimeout?: number;
  /**
   * Close the connection with 1001 after this many milliseconds without a message sent or received
   * (pings and pongs do not count; default 0: never).
   */
  idleTimeout?: number;
  /** How long to wait for the peer's close frame, and for the transport to close after it (default 10 000 ms). */
  closeTimeout?: number;
  /** Send a ping after this long without receiving anything (default 0: off). */
  keepaliveInterval?: number;
  /** How long a keepalive ping may go unanswered before the connection fails with 1011 (default 20 000 ms). */
  pongTimeout?: number;
  /** Largest received frame payload (default 16 MiB); larger fails with 1009. */
  maxFrameSize?: number;
  /** Largest received message (default 16 MiB); larger fails with 1009. */
  maxMessageSize?: number;
  /** Most frames per received message (default 4096); more fails with 1009. */
  maxFragments?: number;
  /** `'whole'` (default): `message` events; `'pieces'`: `messagePiece` events as data arrives. */
  delivery?: 'whole' | 'pieces';
  /**
   * Decode received text messages to strings (default true). `false`: a text message arrives as an
   * {@link EncodedText}, its UTF-8 bytes (validated, not decoded), which `send()` sends back as text
   * without re-encoding it: for relays and echoes that do not read the text.
   */
  decodeText?: boolean;
  /** Validate received text as UTF-8 (default true); invalid text fails with 1007. */
  validateUtf8?: boolean;
  /** A fast UTF-8 validator for `'pieces'` delivery (Node's `buffer.isUtf8`). */
  utf8Check?: Utf8Check;
  /** How the codec allocates arrays it fills completely (default `new Uint8Array`; Node: `Buffer.allocUnsafe`). */
  allocate?: (length: number) => Uint8Array;
  /** Mask outgoing frames regardless of role (default: clients mask, servers do not). */
  mask?: boolean;
  /** Enforce the masking rule on received frames (default true). */
  enforceMasking?: boolean;
  /** Where masking keys come from (default: a pool over `crypto.getRandomValues`). */
  maskKeys?: MaskKeyPool;
}

/**
 * What {@link openWebSocket} needs to run a session over a transport whose opening handshake
 * succeeded: the negotiated role, subprotocol and extensions, the bytes that arrived after the HTTP
 * head, and the {@link SessionOptions}.
 */
export interface OpenWebSocketOptions extends SessionOptions {
  /** `'client'` (masks its frames) or `'server'`. Required. */
  role: Role;
  /** The negotiated subprotocol (`Sec-WebSocket-Protocol`), `''` for none (default `''`). */
  protocol?: string;
  /** The negotiated extensions as engine hooks, in negotiation order (default none). */
  extensions?: readonly ConnectionExtension[];
  /** The negotiated `Sec-WebSocket-Extensions` value, shown as `extensions` (default `''`). */
  extensionsHeader?: string;
  /** The URL: the one a client connected to, or the request URL on a server (default `''`). */
  url?: string;
  /** Bytes read after the HTTP head (frames the peer sent early), fed to the engine first. Taken over. */
  earlyData?: Uint8Array;
  /** The remote end, when the transport has no `remoteAddress` of its own. */
  remoteAddress?: string;
  /** A server's topics: gives the WebSocket `subscribe`, `unsubscribe`, `publish` … (servers only). */
  topics?: TopicHub;
  /**
   * Called with the WebSocket once it closed, right after its `close` event: for a server that
   * tracks its connections with one function shared by all of them, where `closed.then(…)` would
   * cost each connection a promise and two closures.
   */
  onClosed?: (websocket: WebSocket) => void;
  /**
   * Gives received binary data (binary messages, message pieces, pings, pongs) in the type the
   * runtime's users expect, as a view of the same bytes (no copy): Node's `Buffer` for `binaryType:
   * 'nodebuffer'`. Applied once, where the session delivers the data, so listeners and async
   * iterators get the same object. Default: the `Uint8Array` as it is.
   */
  binaryView?: (data: Uint8Array) => Uint8Array;
}

/** Checks a size option: a non-negative integer (or `Infinity` where allowed), or the default. */
export function checkSize(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || !Number.isInteger(value)) {
    if (value !== Number.POSITIVE_INFINITY) {
      throw new RangeError(`${name} must be a non-negative integer, not ${String(value)}`);
    }
  }
  return value;
}

/** Every key of `SessionOptions`; the compiler checks that none is missing. */
const SESSION_OPTION_KEYS = Object.keys({
  highWaterMark: true,
  maxBufferedMessages: true,
  maxBufferedBytes: true,
  autoPong: true,
  maxPendingPings: true,
  closeTimeout: true,
  writeTimeout: true,
  idleTimeout: true,
  keepaliveInterval: true,
  pongTimeout: true,
  maxFrameSize: true,
  maxMessageSize: true,
  maxFragments: true,
  delivery: true,
  decodeText: true,
  validateUtf8: true,
  utf8Check: true,
  allocate: true,
  mask: true,
  enforceMasking: true,
  maskKeys: true,
} satisfies Record<keyof SessionOptions, true>) as (keyof SessionOptions)[];

/**
 * The {@link SessionOptions} among an adapter's options (a client's `connect` options, a server's
 * options), without the keys that are `undefined`: what the adapter passes on to `openWebSocket`.
 */
export function pickSessionOptions(options: SessionOptions): SessionOptions {
  const picked: Record<string, unknown> = {};
  for (const key of SESSION_OPTION_KEYS) {
    if (options[key] !== undefined) picked[key] = options[key];
  }
  return picked as SessionOptions;
}

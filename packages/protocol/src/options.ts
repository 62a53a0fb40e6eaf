import { DefaultLimits, type MaskKeyPool, type Role, type Utf8Check } from '@wskit/codec';
import type { ConnectionHandler } from './events.js';
import type { ConnectionExtension } from './extension.js';

/**
 * Default timeouts of a {@link ConnectionOptions | connection}, in milliseconds of the injected
 * clock. The engine owns no timers: it reports these as deadlines (`nextDeadline()`).
 */
export const DefaultTimeouts = {
  /**
   * How long to wait for the peer's close frame after sending ours before giving up (1006), and how
   * long a client waits for the server to close the transport after the close handshake
   * (RFC 6455 §7.1.1): 10 s.
   */
  closeTimeout: 10_000,
  /** Send a keepalive ping after this long without receiving anything: 0, off. */
  keepaliveInterval: 0,
  /** How long a keepalive ping may stay unanswered before the connection fails with 1011: 20 s. */
  pongTimeout: 20_000,
} as const;

/**
 * The default of {@link ConnectionOptions.maxPendingPings}: 4096 pings may arrive while one
 * automatic pong waits to be written; the next fails the connection with 1008.
 */
export const DefaultMaxPendingPings = 4096;

/** Options of a connection. Only `role` and `clock` are required. */
export interface ConnectionOptions {
  /** The role negotiated by the handshake: a `client` masks its frames, a `server` requires masking (RFC 6455 §5.1). */
  role: Role;
  /**
   * The time source: monotonic milliseconds (e.g. `() => performance.now()` in the I/O layer, a
   * fake clock in tests). The engine reads it when it starts a timeout and when data arrives (with
   * keepalive on); it never reads a runtime clock itself.
   */
  clock: () => number;
  /** Callbacks for events. Without one, events are queued for {@link Connection.events}. */
  handler?: ConnectionHandler;
  /**
   * Called when an asynchronous extension step settled outside any call into the engine: new bytes
   * to send, new events or a new transport state may be waiting. Do what you do after `receiveData`
   * (drain `dataToSend()`, check `shouldCloseTransport`, re-arm `nextDeadline()`).
   */
  onWake?: () => void;
  /** Answer every ping with a pong automatically, also in the middle of a fragmented message (default true). */
  autoPong?: boolean;
  /**
   * Automatic pongs wait until the I/O layer calls `dataToSend()` (it does not while the peer does
   * not read). Meanwhile each ping gets its own pong up to 32 of them; later pings share one pong
   * with the latest ping's data (RFC 6455 §5.5.3), so at most 33 pongs are held. This many pings
   * may arrive meanwhile (default {@link DefaultMaxPendingPings}); one more fails the connection
   * with 1008 (`WS_ERR_PING_FLOOD`).
   */
  maxPendingPings?: number;
  /**
   * Whether {@link Connection.dataToSend} writes a close frame that is due (the reply to the peer's
   * Close, or the failing close after a protocol error) by itself (default true). Set it to false
   * when the I/O layer gives the application time to answer the messages that came before the Close
   * and then calls `flushClose()` (the session driver does), or lets the application answer the
   * Close with its own status through `sendClose()` (websocket.dll's half-closed state).
   */
  autoFlushClose?: boolean;
  /** See {@link DefaultTimeouts.closeTimeout} (default 10 000 ms). */
  closeTimeout?: number;
  /** See {@link DefaultTimeouts.keepaliveInterval} (default 0: no keepalive). */
  keepaliveInterval?: number;
  /** See {@link DefaultTimeouts.pongTimeout} (default 20 000 ms). */
  pongTimeout?: number;
  /**
   * What the keepalive sends after `keepaliveInterval` of quiet: `'ping'` (default) expects an answer
   * within `pongTimeout` (any bytes from the peer count) and fails the connection with 1011 without
   * one; `'pong'` sends an unsolicited pong (RFC 6455 §5.5.3) after that long with nothing sent or
   * received, and expects nothing (WinHTTP's and .NET's idle keep-alive).
   */
  keepalive?: 'ping' | 'pong';
  /** Largest payload of one received frame (default 16 MiB); larger fails with 1009. */
  maxFrameSize?: number;
  /** Largest received message (default 16 MiB), after decoding by an extension too; larger fails with 1009. */
  maxMessageSize?: number;
  /** Most frames one received message may be split into (default 4096); more fails with 1009. */
  maxFragments?: number;
  /** `whole` (default): one message event per message. `pieces`: message piece events as data arrives. */
  delivery?: 'whole' | 'pieces';
  /** Validate received text as UTF-8 (default true; RFC 6455 §8.1); invalid text fails with 1007. */
  validateUtf8?: boolean;
  /**
   * `delivery: 'whole'`: decode received text to strings (default true). `false` delivers each text
   * message as its UTF-8 bytes (`onEncodedText`, `encodedText` events), validated as it arrives but
   * never decoded: a relay or an echo hands them to `sendEncodedText` without decoding and
   * re-encoding them.
   */
  decodeText?: boolean;
  /**
   * A fast validator for long runs of received text kept as bytes (`pieces` delivery, `decodeText:
   * false`, messages an extension decoded), e.g. Node's `buffer.isUtf8`.
   */
  utf8Check?: Utf8Check;
  /**
   * How the codec allocates the arrays it fills completely (joined fragmented messages, masked
   * frames): default `new Uint8Array(length)`. Node adapters pass `Buffer.allocUnsafe`, which skips
   * zero-filling memory that is about to be overwritten anyway.
   */
  allocate?: (length: number) => Uint8Array;
  /**
   * Where a masked frame over 4 KiB may be encoded instead of a new array (the codec's
   * `FrameEncoderOptions.scratch`): a buffer lent until the frame was written, e.g. the transport's
   * (`Transport.frameScratch` in `@wskit/transport`). Default: none.
   */
  frameScratch?: (length: number) => Uint8Array | undefined;
  /** The negotiated extensions, in negotiation order (default none). See {@link ConnectionExtension}. */
  extensions?: readonly ConnectionExtension[];
  /** Mask outgoing frames regardless of role (the websocket.dll-style "masking off" property; default: clients mask). */
  mask?: boolean;
  /** Enforce the masking rule on received frames (default true). */
  enforceMasking?: boolean;
  /** Where masking keys come from (default: a pool over `crypto.getRandomValues`). */
  maskKeys?: MaskKeyPool;
}

/** Validates a duration option: a non-negative finite number, or the default when absent. */
export function checkDuration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number of milliseconds, not ${String(value)}`);
  }
  return value;
}

/** Validates a count option: a positive integer, or the default when absent. */
export function checkCount(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, not ${String(value)}`);
  }
  return value;
}

/** Checks the extensions' RSV claims and returns the bits they claim together. */
export function claimedRsv(extensions: readonly ConnectionExtension[]): number {
  let claimed = 0;
  for (const extension of extensions) {
    const rsv = extension?.rsv;
    if (typeof extension?.decodeMessage !== 'function') {
      throw new TypeError(`Extension ${String(extension?.name)} has no decodeMessage method`);
    }
    if (!Number.isInteger(rsv) || rsv === 0 || (rsv & ~0x70) !== 0) {
      throw new RangeError(
        `Extension ${extension.name} must claim RSV bits among 0x40, 0x20, 0x10, not ${rsv}`,
      );
    }
    if ((claimed & rsv) !== 0) {
      throw new RangeError(`Extension ${extension.name} claims RSV bits another extension already claims`);
    }
    claimed |= rsv;
  }
  return claimed;
}

/** The `maxMessageSize` in force (the codec checks the value itself). */
export function effectiveMaxMessageSize(options: ConnectionOptions): number {
  return options.maxMessageSize ?? DefaultLimits.maxMessageSize;
}

import type { MessageType, Role } from '@wskit/codec';

/**
 * A whole message as an extension sees it: its type, its payload, and the RSV bits of its first
 * frame (RFC 6455 §5.2, §9).
 */
export interface ExtensionMessage {
  /** `text` or `binary`; an extension never changes it. */
  readonly type: MessageType;
  /** The payload: encoded (compressed) on the wire side, plain on the application side. */
  readonly data: Uint8Array;
  /** RSV bits as they sit in the first header byte (`Rsv.Rsv1` = 0x40 for permessage-deflate). */
  readonly rsv: number;
  /**
   * Outgoing only: the sender's per-message wish from {@link SendOptions.compress}. `false` asks a
   * compressing extension to send this message as it is; absent leaves the choice to the extension.
   */
  readonly compress?: boolean;
}

/** Per-message options of `sendText` and `sendBinary`. */
export interface SendOptions {
  /**
   * `false` sends the message uncompressed even when a compression extension was negotiated (e.g.
   * data that is already compressed, or secrets that must not share a compression context with
   * attacker-controlled data). Absent: the extension decides (its size threshold).
   */
  readonly compress?: boolean;
}

/** What an extension step returns: the transformed message, now or later. */
export type ExtensionResult = ExtensionMessage | PromiseLike<ExtensionMessage>;

/** What the connection tells its extensions; one object per connection, never changed. */
export interface ExtensionContext {
  /** The connection's role. */
  readonly role: Role;
  /**
   * The connection's `maxMessageSize`. A decoding extension must refuse to produce more than this
   * many bytes (reject or throw `CodecError('WS_ERR_MESSAGE_TOO_LARGE', …)`: close 1009) and should
   * stop inflating as soon as it is exceeded, not after.
   */
  readonly maxMessageSize: number;
}

/**
 * A negotiated extension (RFC 6455 §9), e.g. permessage-deflate (RFC 7692). It works on whole
 * messages and may answer synchronously (a plain {@link ExtensionMessage}) or asynchronously (a
 * promise of one), as node:zlib does:
 *
 * - **Outgoing**: `sendText` and `sendBinary` hand the message to `encodeMessage` (each extension in
 *   negotiated order); the result's `data` is framed and its `rsv` set on the first frame.
 *   Fragmented messages (`startMessage` …) are sent as they are.
 * - **Incoming**: a message whose first frame carries some of this extension's {@link rsv} bits is
 *   handed to `decodeMessage` (extensions in reverse negotiated order) with those bits set; the
 *   result is checked as UTF-8 when it is text and delivered as a message event.
 *
 * The connection keeps order: at most one `encodeMessage` and one `decodeMessage` call is in flight
 * at a time, in send and arrival order, and messages (and the close) behind an unfinished one wait
 * for it, so an extension may keep a single compression context per direction. A throw or
 * rejection fails the connection: a `CodecError` with its close code (1007 bad data, 1009 too big),
 * anything else with 1011 and no details on the wire.
 */
export interface ConnectionExtension {
  /** The extension's registered name (`permessage-deflate`), for error messages. */
  readonly name: string;
  /**
   * The RSV bits the extension uses, as they sit in the first header byte (`Rsv.Rsv1`). Incoming
   * frames may carry them on the first frame of a data message (RFC 7692 §6); every other RSV bit
   * fails the connection with 1002. Two extensions may not claim the same bit.
   */
  readonly rsv: number;
  /**
   * Transforms an outgoing message, e.g. compresses it and sets {@link rsv}. Return the message
   * unchanged (or with `rsv` 0) to send it as it is. Optional: without it, outgoing messages pass.
   */
  encodeMessage?(message: ExtensionMessage, context: ExtensionContext): ExtensionResult;
  /**
   * Decodes an incoming message that carries this extension's RSV bits, and clears them in the
   * result. Must enforce `context.maxMessageSize` on its output.
   */
  decodeMessage(message: ExtensionMessage, context: ExtensionContext): ExtensionResult;
  /** Releases resources (zlib streams) once the connection is closed and nothing is pending. */
  dispose?(): void;
}

/** Whether `value` is a promise-like (a thenable): an asynchronous extension result. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Runs `steps[index..]` on `message`, each with the output of the one before, synchronously until a
 * step answers with a promise, then asynchronously for the rest.
 */
export function runExtensionSteps(
  steps: readonly ((message: ExtensionMessage) => ExtensionResult)[],
  index: number,
  message: ExtensionMessage,
): ExtensionResult {
  for (; index < steps.length; index++) {
    const result = steps[index]!(message);
    if (isPromiseLike(result)) {
      const next = index + 1;
      return Promise.resolve(result).then((resolved) => runExtensionSteps(steps, next, resolved));
    }
    message = result;
  }
  return message;
}

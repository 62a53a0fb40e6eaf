import type { CodecError, MessageType } from '@wskit/codec';
import type { ConnectionError } from './errors.js';

/** The arguments of {@link ConnectionHandler.onMessage}: text arrives as a string, binary as bytes. */
export type MessageArguments = [type: 'text', data: string] | [type: 'binary', data: Uint8Array];

/** What the error event carries: a decoding error from the peer, or any other connection failure. */
export type ConnectionFailure = CodecError | ConnectionError;

/**
 * Callbacks for what happens on a connection, undici style: pass one as `handler` and events are
 * delivered by calling it, with no event objects allocated. Every method is optional.
 *
 * Callbacks run synchronously inside the connection's methods (`receiveData`, `receiveEof`,
 * `onDeadline`, the constructor for `onOpen`) or, for messages an asynchronous extension decoded,
 * when that extension settles. They may call the connection's send methods. A callback that throws
 * while received data is handled fails the connection with 1011 (the stream position is lost) and
 * the exception is reported to `onError` as a `ConnectionError` (`WS_ERR_INTERNAL`, as `cause`).
 */
export interface ConnectionHandler {
  /** The connection is open; called at the end of the constructor, once. */
  onOpen?(): void;
  /** A complete message (`delivery: 'whole'`). */
  onMessage?(...args: MessageArguments): void;
  /**
   * A complete text message as its UTF-8 bytes, with `decodeText: false` (instead of `onMessage`):
   * validated unless `validateUtf8` is false, and ready to send on with `sendEncodedText`.
   */
  onEncodedText?(utf8: Uint8Array): void;
  /** A piece of a message (`delivery: 'pieces'`); `final` is true on the piece that ends it. */
  onMessagePiece?(type: MessageType, data: Uint8Array, final: boolean): void;
  /** A ping arrived (already answered when `autoPong` is on). */
  onPing?(data: Uint8Array): void;
  /** A pong arrived. */
  onPong?(data: Uint8Array): void;
  /**
   * The peer's close frame arrived (1005 when it carried no code), in wire order behind the messages
   * before it. The connection is `CLOSE_RECEIVED`: the application may still send its answers until
   * the reply goes out (`flushClose()`, `dataToSend()` or `sendClose()`); `onClose` follows then.
   */
  onCloseReceived?(code: number, reason: string): void;
  /**
   * The connection closed: after the close handshake (`wasClean`, with the peer's code, 1005 when it
   * sent none), or after a failure (the code we sent, 1006 when the transport ended or the close
   * timed out). Called once; it is the last callback.
   */
  onClose?(code: number, reason: string, wasClean: boolean): void;
  /** The connection failed; called just before `onClose`. Never called for the caller's misuse. */
  onError?(error: ConnectionFailure): void;
}

/**
 * What happens on a connection, as values for pull-style drivers: without a `handler`, events are
 * queued and `events()` drains them. They mirror the {@link ConnectionHandler} callbacks.
 */
export type ConnectionEvent =
  | { readonly type: 'open' }
  | { readonly type: 'message'; readonly messageType: 'text'; readonly data: string }
  | { readonly type: 'message'; readonly messageType: 'binary'; readonly data: Uint8Array }
  | { readonly type: 'encodedText'; readonly data: Uint8Array }
  | {
      readonly type: 'messagePiece';
      readonly messageType: MessageType;
      readonly data: Uint8Array;
      readonly final: boolean;
    }
  | { readonly type: 'ping'; readonly data: Uint8Array }
  | { readonly type: 'pong'; readonly data: Uint8Array }
  | { readonly type: 'closeReceived'; readonly code: number; readonly reason: string }
  | { readonly type: 'close'; readonly code: number; readonly reason: string; readonly wasClean: boolean }
  | { readonly type: 'error'; readonly error: ConnectionFailure };

/** Calls the handler method that matches `event`. */
export function deliverEvent(handler: ConnectionHandler, event: ConnectionEvent): void {
  switch (event.type) {
    case 'open':
      handler.onOpen?.();
      return;
    case 'message':
      if (event.messageType === 'text') handler.onMessage?.('text', event.data);
      else handler.onMessage?.('binary', event.data);
      return;
    case 'encodedText':
      handler.onEncodedText?.(event.data);
      return;
    case 'messagePiece':
      handler.onMessagePiece?.(event.messageType, event.data, event.final);
      return;
    case 'ping':
      handler.onPing?.(event.data);
      return;
    case 'pong':
      handler.onPong?.(event.data);
      return;
    case 'closeReceived':
      handler.onCloseReceived?.(event.code, event.reason);
      return;
    case 'close':
      handler.onClose?.(event.code, event.reason, event.wasClean);
      return;
    case 'error':
      handler.onError?.(event.error);
      return;
  }
}

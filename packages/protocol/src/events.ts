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
  | {
      /** The connection is open ({@link ConnectionHandler.onOpen}); always the first event. */
      readonly type: 'open';
    }
  | {
      /** A complete message ({@link ConnectionHandler.onMessage}, `delivery: 'whole'`). */
      readonly type: 'message';
      /** Text: `data` is the decoded string. */
      readonly messageType: 'text';
      /** The message, decoded from UTF-8. */
      readonly data: string;
    }
  | {
      /** A complete message ({@link ConnectionHandler.onMessage}, `delivery: 'whole'`). */
      readonly type: 'message';
      /** Binary: `data` is the bytes. */
      readonly messageType: 'binary';
      /** The message's bytes: a view the receiver may keep. */
      readonly data: Uint8Array;
    }
  | {
      /** A whole text message as UTF-8 bytes ({@link ConnectionHandler.onEncodedText}). */
      readonly type: 'encodedText';
      /** The message's UTF-8 bytes, validated unless `validateUtf8` is false; a view it may keep. */
      readonly data: Uint8Array;
    }
  | {
      /** A piece of a message ({@link ConnectionHandler.onMessagePiece}, `delivery: 'pieces'`). */
      readonly type: 'messagePiece';
      /** The type of the message the piece belongs to. */
      readonly messageType: MessageType;
      /** The piece's bytes (text as UTF-8, possibly split inside a character). */
      readonly data: Uint8Array;
      /** `true` on the piece that ends the message. */
      readonly final: boolean;
    }
  | {
      /** A ping arrived ({@link ConnectionHandler.onPing}), already answered when `autoPong` is on. */
      readonly type: 'ping';
      /** The ping's application data, 0 to 125 bytes. */
      readonly data: Uint8Array;
    }
  | {
      /** A pong arrived ({@link ConnectionHandler.onPong}). */
      readonly type: 'pong';
      /** The pong's application data, 0 to 125 bytes. */
      readonly data: Uint8Array;
    }
  | {
      /** The peer's close frame arrived ({@link ConnectionHandler.onCloseReceived}). */
      readonly type: 'closeReceived';
      /** The peer's close code; 1005 when its frame had none. */
      readonly code: number;
      /** The peer's reason (UTF-8 decoded, at most 123 bytes); `''` when none. */
      readonly reason: string;
    }
  | {
      /** The connection closed ({@link ConnectionHandler.onClose}); always the last event. */
      readonly type: 'close';
      /** The close code: the peer's after a handshake (1005 for none), else ours or 1006. */
      readonly code: number;
      /** The reason that goes with `code`; `''` when none. */
      readonly reason: string;
      /** `true` when the close handshake completed both ways. */
      readonly wasClean: boolean;
    }
  | {
      /** The connection failed ({@link ConnectionHandler.onError}); a `close` event follows. */
      readonly type: 'error';
      /** Why: a decoding error from the peer, or another connection failure. */
      readonly error: ConnectionFailure;
    };

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

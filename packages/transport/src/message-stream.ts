import type { MessageType } from '@wskit/codec';
import { type BinaryData, toBytes, utf8Length } from './bytes.js';
import type { StreamEntry } from './outgoing-queue.js';
import type { Session } from './session.js';

/**
 * A message sent in fragments (RFC 6455 §5.4), from `ws.stream(type)`. Each `write` becomes one
 * frame; `end` sends the final one. The message holds its place in the send order from the moment
 * the stream is created: messages sent after it wait until it ends, so end every stream.
 *
 * ```ts
 * const stream = ws.stream('binary');
 * for await (const chunk of file) await stream.write(chunk); // waits while the peer is slow
 * await stream.end();
 * ```
 */
export interface MessageStream {
  /** `'text'` or `'binary'`. */
  readonly type: MessageType;
  /** Whether `end` was called. */
  readonly ended: boolean;
  /**
   * Sends a fragment: a string (text streams only; split text between code points) or bytes (for
   * text, UTF-8 that may split a code point). Settles when the fragment was handed to the transport;
   * rejects with a `WebSocketError` when the WebSocket closed first. Throws `TypeError` after `end`.
   */
  write(data: string | BinaryData): Promise<void>;
  /** Sends the final fragment (empty by default) and ends the message. Settles as {@link write} does. */
  end(data?: string | BinaryData): Promise<void>;
}

const EMPTY = new Uint8Array(0);

/** The {@link MessageStream} of a session. */
export class SessionMessageStream implements MessageStream {
  readonly type: MessageType;
  readonly #session: Session;
  readonly #entry: StreamEntry | undefined;
  #ended = false;

  constructor(session: Session, type: MessageType) {
    if (type !== 'text' && type !== 'binary') {
      throw new TypeError(`A message stream is 'text' or 'binary', not ${String(type)}`);
    }
    this.type = type;
    this.#session = session;
    this.#entry = session.openStream(type);
  }

  get ended(): boolean {
    return this.#ended;
  }

  write(data: string | BinaryData): Promise<void> {
    return this.#send(data, false);
  }

  end(data: string | BinaryData = EMPTY): Promise<void> {
    return this.#send(data, true);
  }

  #send(data: string | BinaryData, final: boolean): Promise<void> {
    if (this.#ended) throw new TypeError('cannot write to a message stream after end()');
    let payload: string | Uint8Array;
    let size: number;
    if (typeof data === 'string') {
      if (this.type !== 'text') throw new TypeError('A binary message stream takes bytes, not strings');
      payload = data;
      size = utf8Length(data);
    } else {
      payload = toBytes(data, 'MessageStream.write');
      size = payload.length;
    }
    if (final) this.#ended = true;
    return this.#session.sendFragment(this.#entry, payload, size, final);
  }
}

import { FrameEncoder, type MessageType, Opcode } from '@wskit/codec';
import type {
  ConnectionExtension,
  ExtensionContext,
  ExtensionMessage,
  ExtensionResult,
} from '@wskit/protocol';

function isPromiseLike(value: ExtensionResult): value is PromiseLike<ExtensionMessage> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * What an outgoing extension offers when its output for a message depends only on the message and
 * on parameters that `key` names (permessage-deflate with no context takeover on our side): every
 * connection with the same key may be sent the same encoded bytes. `createEncoder` makes a private
 * instance that encodes for all of them.
 */
export interface SharedEncoding {
  /** Connections whose extensions give equal keys accept each other's encoded messages. */
  readonly key: string;
  /** A fresh extension with the same outgoing parameters, used only to encode. */
  createEncoder(): ConnectionExtension;
}

/** An extension that may offer {@link SharedEncoding}. */
interface MaybeShared extends ConnectionExtension {
  readonly sharedEncoding?: SharedEncoding | undefined;
}

/** The group of a connection that encodes nothing: every such connection takes the same plain frames. */
export const PLAIN_GROUP = 'plain';

/**
 * How a connection with these negotiated `extensions` can take a published message: `plain` (no
 * outgoing encoding: the shared plain frames), a {@link SharedEncoding} (frames encoded once per
 * key), or `undefined`: its extensions keep per-connection state (permessage-deflate with context
 * takeover), so the message must go through its own session.
 */
export function sharingOf(
  extensions: readonly ConnectionExtension[] | undefined,
): typeof PLAIN_GROUP | SharedEncoding | undefined {
  const encoding = (extensions ?? []).filter((extension) => typeof extension.encodeMessage === 'function');
  if (encoding.length === 0) return PLAIN_GROUP;
  if (encoding.length > 1) return undefined;
  return (encoding[0] as MaybeShared).sharedEncoding;
}

const CONTEXT: ExtensionContext = Object.freeze({ role: 'server', maxMessageSize: Number.POSITIVE_INFINITY });

/** A published message's frames, shared by a group's subscribers: the chunks and their total length. */
export interface SharedFrames {
  readonly chunks: readonly Uint8Array[];
  readonly bytes: number;
}

/**
 * Frames one published message at most once per group: plain (for connections that encode
 * nothing), and once per shared encoding key (permessage-deflate without server context takeover,
 * one per window size and level). A group's messages leave in publish order even when encoding
 * answers asynchronously (zlib runs in the thread pool): each waits for the one before it.
 */
export class SharedFramer {
  readonly #encoder = new FrameEncoder({ role: 'server' });
  readonly #encoders = new Map<string, { extension: ConnectionExtension; tail: Promise<void> | undefined }>();

  /** Unmasked server frames of `data`, with the extension's RSV bits when given. */
  frame(type: MessageType, data: Uint8Array, rsv = 0): SharedFrames {
    const chunks = this.#encoder.encode(type === 'text' ? Opcode.Text : Opcode.Binary, data, { rsv });
    let bytes = 0;
    for (const chunk of chunks) bytes += chunk.length;
    return { chunks, bytes };
  }

  /**
   * Encodes `message` once for the group `sharing` names (or frames it plainly when `compress` is
   * false) and calls `write` with the frames, after the group's earlier messages were written.
   * `onError` receives an encoder's failure (that message is dropped for the group).
   */
  encodeFor(
    sharing: SharedEncoding,
    message: ExtensionMessage,
    write: (frames: SharedFrames) => void,
    onError: (error: unknown) => void,
  ): void {
    let group = this.#encoders.get(sharing.key);
    if (group === undefined) {
      group = { extension: sharing.createEncoder(), tail: undefined };
      this.#encoders.set(sharing.key, group);
    }
    const run = (): void | Promise<void> => {
      let result: ReturnType<NonNullable<ConnectionExtension['encodeMessage']>>;
      try {
        result = group.extension.encodeMessage!(message, CONTEXT);
      } catch (error) {
        onError(error);
        return;
      }
      if (!isPromiseLike(result)) {
        write(this.frame(result.type, result.data, result.rsv));
        return;
      }
      return Promise.resolve(result).then(
        (encoded) => write(this.frame(encoded.type, encoded.data, encoded.rsv)),
        onError,
      );
    };
    const previous = group.tail;
    const done = previous === undefined ? run() : previous.then(run);
    if (done === undefined) return;
    const tail = done.then(() => {
      if (group.tail === tail) group.tail = undefined;
    });
    group.tail = tail;
  }

  /** Frees the encoders' zlib streams. */
  dispose(): void {
    for (const { extension } of this.#encoders.values()) extension.dispose?.();
    this.#encoders.clear();
  }
}

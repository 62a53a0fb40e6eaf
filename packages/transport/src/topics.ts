import type { MessageType } from '@wskit/codec';
import type { ConnectionExtension } from '@wskit/protocol';
import {
  type Broker,
  type BrokerHistory,
  type BrokerMessage,
  type BrokerNotice,
  compareOffsets,
  type DeliveryMode,
  InProcessBroker,
} from './broker.js';
import { type BinaryData, toBytes } from './bytes.js';
import { TypedEmitter } from './emitter.js';
import { EncodedText } from './encoded-text.js';
import { checkSize } from './options.js';
import {
  PLAIN_GROUP,
  type SharedEncoding,
  SharedFramer,
  type SharedFrames,
  sharingOf,
} from './shared-encoding.js';
import { defaultEnvelope, type TopicEnvelope, type TopicEvent } from './topic-envelope.js';

/** What the hub does with a subscriber whose `bufferedAmount` is over `backpressureLimit`. */
export type BackpressurePolicy = 'drop' | 'close';

/** The defaults of {@link TopicHubOptions}. */
export const DefaultTopicOptions = Object.freeze({
  /** A subscriber with more than 1 MiB not yet written is too slow for the next message. */
  backpressureLimit: 1024 * 1024,
  /**
   * Close a subscriber that falls that far behind: a subscriber that silently loses messages is
   * worse than one that knows it must reconnect (and, on a recoverable topic, resumes from its last
   * offset and loses nothing).
   */
  backpressure: 'close' as BackpressurePolicy,
  /**
   * 1013 Try Again Later (RFC 6455 §7.4.1 via the IANA registry): the server is not refusing the
   * client (1008 Policy Violation would say so), it could not keep up; reconnecting is the remedy.
   */
  backpressureCloseCode: 1013,
  /**
   * A subscriber that resumes a recoverable topic is written what it missed first; the topic's live
   * messages that arrive meanwhile are kept for it, up to 1 MiB (bytes of binary data, UTF-16 units
   * of text). Past that they are let go and the replay reads them again from the broker's history
   * before it ends (a recoverable topic keeps them): a resume holds at most this much however busy
   * the topic, and loses nothing the retention window still holds (what it no longer holds is
   * reported as `missed`, as at the start of a resume).
   */
  resumeBufferLimit: 1024 * 1024,
  /** A resume reads the broker's history 256 messages at a time (one page in memory at once). */
  resumePageSize: 256,
});

/** The options of a {@link TopicHub} (a server's `topics` option). */
export interface TopicHubOptions {
  /** Shares topics with other processes (default: an `InProcessBroker`, this process only). */
  readonly broker?: Broker | undefined;
  /** Each topic's delivery mode (default every topic `fast`); `recoverable` needs a broker with history. */
  readonly mode?: ((topic: string) => DeliveryMode) | undefined;
  /** What subscribers receive for each message or notice (default `defaultEnvelope`). */
  readonly envelope?: TopicEnvelope | undefined;
  /** Bytes a subscriber may have unwritten before the policy applies to it (default 1 MiB). */
  readonly backpressureLimit?: number | undefined;
  /** `close` (default) or `drop`: see `DefaultTopicOptions.backpressure`. */
  readonly backpressure?: BackpressurePolicy | undefined;
  /** With `close`: 1013 (default) or 1008. */
  readonly backpressureCloseCode?: 1008 | 1013 | undefined;
  /** See `DefaultTopicOptions.resumeBufferLimit` (default 1 MiB). */
  readonly resumeBufferLimit?: number | undefined;
  /** See `DefaultTopicOptions.resumePageSize` (default 256 messages). */
  readonly resumePageSize?: number | undefined;
}

/** Per-publish options. */
export interface PublishOptions {
  /** `false`: never compress this message (permessage-deflate); absent or `true`: the extension decides. */
  readonly compress?: boolean | undefined;
}

/** Per-subscription options. */
export interface SubscribeOptions {
  /** Recoverable topics: resume after this offset (the last one the client saw), replaying what it missed. */
  readonly offset?: string | undefined;
}

/** What a subscriber looks like to the hub: the parts of the server-side `WebSocket` it uses. */
export interface TopicSocket {
  /** Bytes queued and not yet written: compared with `backpressureLimit`. */
  readonly bufferedAmount: number;
  /** `WebSocket.OPEN` (1) while messages may be sent to it; the hub skips it otherwise. */
  readonly readyState: number;
  /** A resume writing history lets the socket flush each time this much is buffered... */
  readonly highWaterMark: number;
  /** ...and, when the transport pushes back (`needsDrain`), waits for `drained()`. */
  readonly needsDrain: boolean;
  /** Settles once the transport took what was buffered (or the socket closed). */
  drained(): Promise<void>;
  /** Sends one message; settles once handed to the transport, rejects once the socket closed. */
  send(data: string | Uint8Array, options?: PublishOptions): Promise<void>;
  /** Closes it: the `close` backpressure policy calls it with `closeCode`. */
  close(code?: number, reason?: string): void;
}

/** The events of a {@link TopicHub}. */
export interface TopicHubEvents {
  /** With `backpressure: 'drop'`: a message for `topic` was not written to `socket` (over the limit). */
  drop: [socket: TopicSocket, topic: string];
  /** With `backpressure: 'close'`: `socket` was closed for falling behind on `topic`. */
  slow: [socket: TopicSocket, topic: string];
  /** The broker reported a gap (fast topics) or a resume found missed history. */
  gap: [notice: BrokerNotice];
  /**
   * The live messages kept for `socket` while it resumes `topic` passed `resumeBufferLimit`: they
   * were let go, and its replay reads them again from the broker's history.
   */
  overflow: [socket: TopicSocket, topic: string];
  /** The broker or an encoder failed; the hub keeps going. */
  error: [error: Error];
}

const textEncoder = new TextEncoder();
const OPEN = 1;
const ignore = (): void => {};

/**
 * One server's topics: which of its sockets subscribe to what, and the broker that spreads
 * publishes across processes. A published message goes to the broker once; what the broker hands
 * back is framed once per group of subscribers that can share bytes (`SharedFramer`), and each
 * subscriber is written to through its own session's queue (order with its own sends holds). A
 * subscriber over `backpressureLimit` gets the policy instead; the others are never held up.
 */
export class TopicHub extends TypedEmitter<TopicHubEvents> {
  /** This hub's id: tells brokers' messages from this process apart. */
  readonly id: string = crypto.randomUUID();
  readonly #broker: Broker;
  readonly #mode: (topic: string) => DeliveryMode;
  readonly #envelope: TopicEnvelope;
  readonly #limit: number;
  readonly #policy: BackpressurePolicy;
  readonly #closeCode: number;
  readonly #resumeBufferLimit: number;
  readonly #resumePageSize: number;
  readonly #topics = new Map<string, Set<TopicMember>>();
  readonly #framer = new SharedFramer();
  #nextMember = 1;
  #dropped = 0;
  #resumeBuffered = 0;

  constructor(options: TopicHubOptions = {}) {
    super();
    this.#limit = checkSize(
      'backpressureLimit',
      options.backpressureLimit,
      DefaultTopicOptions.backpressureLimit,
    );
    const policy = options.backpressure ?? DefaultTopicOptions.backpressure;
    if (policy !== 'drop' && policy !== 'close') {
      throw new TypeError(`topics: backpressure must be 'drop' or 'close', not ${String(policy)}`);
    }
    this.#policy = policy;
    const code = options.backpressureCloseCode ?? DefaultTopicOptions.backpressureCloseCode;
    if (code !== 1008 && code !== 1013) {
      throw new RangeError(`topics: backpressureCloseCode must be 1008 or 1013, not ${String(code)}`);
    }
    this.#closeCode = code;
    this.#resumeBufferLimit = checkSize(
      'resumeBufferLimit',
      options.resumeBufferLimit,
      DefaultTopicOptions.resumeBufferLimit,
    );
    this.#resumePageSize = checkSize(
      'resumePageSize',
      options.resumePageSize,
      DefaultTopicOptions.resumePageSize,
    );
    if (this.#resumePageSize < 1) throw new RangeError('topics: resumePageSize must be at least 1');
    this.#mode = options.mode ?? (() => 'fast');
    this.#envelope = options.envelope ?? defaultEnvelope;
    this.#broker = options.broker ?? new InProcessBroker();
    this.#broker.attach({
      message: (message) => this.#deliver(message),
      notice: (notice) => this.#notice(notice),
    });
  }

  /** Messages not written to a subscriber over the limit (`backpressure: 'drop'`), since the start. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Live messages kept right now for subscribers that are resuming (bytes of binary data, UTF-16
   * units of text), all subscribers together; each one's share stays within `resumeBufferLimit`.
   */
  get resumeBuffered(): number {
    return this.#resumeBuffered;
  }

  /** The topics with at least one local subscriber. */
  get topics(): ReadonlySet<string> {
    return new Set(this.#topics.keys());
  }

  /** How many local sockets subscribe to `topic`. */
  subscriberCount(topic: string): number {
    return this.#topics.get(topic)?.size ?? 0;
  }

  /**
   * Publishes `data` (a string as text, bytes as binary) to every subscriber of `topic`, in every
   * process the broker reaches. With the default broker, local subscribers are written to before
   * it returns. Bytes are not copied: leave them unchanged until the subscribers' frames are written.
   */
  publish(topic: string, data: string | BinaryData, options?: PublishOptions): void {
    this.#publish(topic, data, 0, options);
  }

  /**
   * Makes the subscriber side of one server socket. `sendFrames` writes pre-framed bytes through the
   * socket's session queue; `extensions` are its negotiated extensions (to pick its sharing group).
   * Adapters do not call this: `openWebSocket` does, given the hub.
   */
  join(
    socket: TopicSocket,
    sendFrames: (chunks: readonly Uint8Array[], bytes: number) => boolean,
    extensions: readonly ConnectionExtension[] | undefined,
  ): TopicMember {
    return new TopicMember(this, this.#nextMember++, socket, sendFrames, sharingOf(extensions));
  }

  /** Releases the broker and the shared encoders. Sockets keep their subscriptions until they close. */
  close(): Promise<void> {
    this.#framer.dispose();
    return this.#broker.close();
  }

  // ---- for TopicMember ---------------------------------------------------------------------------

  /** @internal */
  publishFrom(member: TopicMember, topic: string, data: string | BinaryData, options?: PublishOptions): void {
    this.#publish(topic, data, member.id, options);
  }

  /** @internal Adds `member` to `topic`; subscribes the broker for the first one. */
  add(member: TopicMember, topic: string): void | Promise<void> {
    let members = this.#topics.get(topic);
    if (members === undefined) {
      const mode = this.#mode(topic);
      members = new Set();
      this.#topics.set(topic, members);
      members.add(member);
      return this.#broker.subscribe(topic, mode);
    }
    members.add(member);
  }

  /** @internal Removes `member` from `topic`; unsubscribes the broker after the last one. */
  remove(member: TopicMember, topic: string): void {
    const members = this.#topics.get(topic);
    if (members === undefined || !members.delete(member)) return;
    if (members.size === 0) {
      this.#topics.delete(topic);
      this.#broker.unsubscribe(topic);
    }
  }

  /** @internal One page (`resumePageSize` messages) of the topic's history after `offset`, from the broker. */
  async history(topic: string, offset: string): Promise<BrokerHistory> {
    if (this.#mode(topic) !== 'recoverable' || this.#broker.history === undefined) {
      throw new TypeError(
        `topics: resuming from an offset needs a recoverable topic and a broker with history (${topic})`,
      );
    }
    return this.#broker.history(topic, offset, this.#resumePageSize);
  }

  /**
   * @internal Counts `size` more (or, negative, fewer) units kept for resuming subscribers; whether
   * `held`, one subscriber's share, is still within `resumeBufferLimit`.
   */
  holding(size: number, held: number): boolean {
    this.#resumeBuffered += size;
    return held <= this.#resumeBufferLimit;
  }

  /** @internal A resuming subscriber let its kept messages go (see `TopicHubEvents.overflow`). */
  overflowed(member: TopicMember, topic: string): void {
    this.emit('overflow', member.socket, topic);
  }

  /** @internal The message a subscriber receives for `event`, or `undefined` for none. */
  wrap(event: TopicEvent): string | Uint8Array | undefined {
    return this.#envelope(event);
  }

  /** @internal Whether `member` may take one more message; applies the policy when it may not. */
  admits(member: TopicMember, topic: string): boolean {
    const socket = member.socket;
    if (socket.readyState !== OPEN) return false;
    if (socket.bufferedAmount <= this.#limit) return true;
    if (this.#policy === 'drop') {
      this.#dropped++;
      this.emit('drop', socket, topic);
      return false;
    }
    member.leaveAll();
    socket.close(this.#closeCode, 'subscriber too slow');
    this.emit('slow', socket, topic);
    return false;
  }

  // ---- delivery -----------------------------------------------------------------------------------

  #publish(topic: string, data: string | BinaryData, except: number, options?: PublishOptions): void {
    if (typeof topic !== 'string') throw new TypeError('publish: topic must be a string');
    // Text received with `decodeText: false` is published as text (decoded once here: brokers carry
    // strings and bytes, not the subclass that marks bytes as text).
    const payload =
      typeof data === 'string' ? data : data instanceof EncodedText ? String(data) : toBytes(data, 'publish');
    const message: BrokerMessage =
      options?.compress === false
        ? { topic, data: payload, origin: this.id, except, compress: false }
        : { topic, data: payload, origin: this.id, except };
    const mode = this.#mode(topic);
    try {
      const published = this.#broker.publish(message, mode);
      if (published !== undefined) published.then(undefined, (error: unknown) => this.#failed(error));
    } catch (error) {
      if (error instanceof TypeError) throw error;
      this.#failed(error);
    }
  }

  /** A message from the broker: to every local subscriber of its topic. */
  #deliver(message: BrokerMessage): void {
    const members = this.#topics.get(message.topic);
    if (members === undefined) return;
    const except = message.origin === this.id ? message.except : 0;
    let targets: TopicMember[] | undefined;
    for (const member of members) {
      if (member.id === except) continue;
      if (member.holds(message)) continue; // resuming: kept until its history is written
      targets ??= [];
      targets.push(member);
    }
    if (targets === undefined) return;
    const body = this.#envelope({
      kind: 'message',
      topic: message.topic,
      data: message.data,
      offset: message.offset,
    });
    if (body === undefined) return;
    this.sendTo(targets, message.topic, body, message.compress !== false);
  }

  /**
   * @internal Writes `body` to `targets`: framed once for those that encode nothing, encoded once
   * per shared encoding, and through each one's own session for the rest.
   */
  sendTo(targets: readonly TopicMember[], topic: string, body: string | Uint8Array, compress: boolean): void {
    const type: MessageType = typeof body === 'string' ? 'text' : 'binary';
    const bytes = typeof body === 'string' ? textEncoder.encode(body) : body;
    let plain: SharedFrames | undefined;
    let groups: Map<string, { sharing: SharedEncoding; members: TopicMember[] }> | undefined;
    for (const member of targets) {
      const sharing = member.sharing;
      if (sharing === PLAIN_GROUP) {
        if (!this.admits(member, topic)) continue;
        plain ??= this.#framer.frame(type, bytes);
        member.write(plain);
      } else if (sharing === undefined) {
        if (this.admits(member, topic))
          void member.socket.send(body, compress ? undefined : { compress: false }).catch(ignore);
      } else {
        let group = groups?.get(sharing.key);
        if (group === undefined) {
          group = { sharing, members: [] };
          groups ??= new Map();
          groups.set(sharing.key, group);
        }
        group.members.push(member);
      }
    }
    if (groups === undefined) return;
    for (const { sharing, members } of groups.values()) {
      const message = compress
        ? { type, data: bytes, rsv: 0 }
        : { type, data: bytes, rsv: 0, compress: false };
      this.#framer.encodeFor(
        sharing,
        message,
        (frames) => {
          for (const member of members) if (this.admits(member, topic)) member.write(frames);
        },
        (error) => this.#failed(error),
      );
    }
  }

  #notice(notice: BrokerNotice): void {
    this.emit('gap', notice);
    for (const topic of notice.topics) {
      const members = this.#topics.get(topic);
      if (members === undefined || members.size === 0) continue;
      const body = this.#envelope(
        notice.kind === 'gap'
          ? { kind: 'gap', topic, since: notice.since, until: notice.until }
          : { kind: 'missed', topic },
      );
      if (body !== undefined) this.sendTo([...members], topic, body, true);
    }
  }

  #failed(error: unknown): void {
    this.emit('error', error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * The subscriber side of one server socket: its subscriptions, and its resumes in progress. The
 * WebSocket's `subscribe`, `unsubscribe`, `isSubscribed`, `subscriptions` and `publish` call it.
 */
export class TopicMember {
  readonly #hub: TopicHub;
  readonly #subscriptions = new Set<string>();
  /** Resuming topics: the live messages kept until the history was written (see `Resume`). */
  readonly #resuming = new Map<string, Resume>();
  readonly #sendFrames: (chunks: readonly Uint8Array[], bytes: number) => boolean;
  /** The member's id in its hub (never 0). */
  readonly id: number;
  /** The socket. */
  readonly socket: TopicSocket;
  /** Its sharing group (see `sharingOf`). */
  readonly sharing: typeof PLAIN_GROUP | SharedEncoding | undefined;

  constructor(
    hub: TopicHub,
    id: number,
    socket: TopicSocket,
    sendFrames: (chunks: readonly Uint8Array[], bytes: number) => boolean,
    sharing: typeof PLAIN_GROUP | SharedEncoding | undefined,
  ) {
    this.#hub = hub;
    this.id = id;
    this.socket = socket;
    this.#sendFrames = sendFrames;
    this.sharing = sharing;
  }

  /** A read-only view of the subscribed topics. */
  get subscriptions(): ReadonlySet<string> {
    return this.#subscriptions;
  }

  /**
   * Subscribes to `topic` (again: nothing changes). With `offset` (recoverable topics), first
   * replays the messages published after it, exactly once and in order, then the live ones; when the
   * retention window no longer holds them all, the socket is told it missed messages. Settles once
   * the replay caught up with the live messages.
   *
   * The replay reads the broker's history a page at a time and waits for the socket to drain
   * between messages, so a slow reader slows its own replay and nobody else. Live messages that
   * arrive meanwhile are kept, within `resumeBufferLimit`; past it they are let go and read again
   * from the history (the `overflow` event).
   */
  async subscribe(topic: string, options?: SubscribeOptions): Promise<void> {
    if (typeof topic !== 'string') throw new TypeError('subscribe: topic must be a string');
    if (this.#subscriptions.has(topic) || this.socket.readyState !== OPEN) return;
    const offset = options?.offset;
    this.#subscriptions.add(topic);
    if (offset === undefined) {
      await this.#hub.add(this, topic);
      return;
    }
    const resume: Resume = { held: [], size: 0, overflowed: false };
    this.#resuming.set(topic, resume);
    const active = (): boolean => this.#resuming.get(topic) === resume && this.socket.readyState === OPEN;
    try {
      await this.#hub.add(this, topic);
      let last = offset; // the last offset written
      let from = offset; // where the next page starts
      for (;;) {
        // Live messages kept before this read began are in what it reads (the broker had them
        // first); from now on, only those that come after it are needed.
        this.#letGo(resume);
        resume.overflowed = false;
        const page = await this.#hub.history(topic, from);
        if (!active()) return;
        if (page.missed) this.#sendEvent({ kind: 'missed', topic });
        for (const message of page.messages) {
          if (message.offset === undefined || compareOffsets(message.offset, last) <= 0) continue;
          if (this.socket.bufferedAmount >= this.socket.highWaterMark) {
            // The session flushes in a promise job once a high-water mark is queued: let it, then
            // wait while the transport pushes back.
            await Promise.resolve();
            if (this.socket.needsDrain) await this.socket.drained();
            if (!active()) return;
          }
          last = message.offset;
          this.#sendEvent({ kind: 'message', topic, data: message.data, offset: message.offset });
        }
        if (page.next !== undefined) from = page.next;
        else if (resume.overflowed) from = last;
        else break; // at the end of the history, with every live message since in `held`
      }
      for (const message of resume.held) {
        if (message.offset === undefined || compareOffsets(message.offset, last) <= 0) continue;
        last = message.offset;
        this.#sendEvent({ kind: 'message', topic, data: message.data, offset: message.offset });
      }
    } finally {
      if (this.#resuming.get(topic) === resume) this.#resuming.delete(topic);
      this.#letGo(resume);
    }
  }

  /** Unsubscribes from `topic`; whether it was subscribed. */
  unsubscribe(topic: string): boolean {
    if (!this.#subscriptions.delete(topic)) return false;
    const resume = this.#resuming.get(topic);
    if (resume !== undefined) {
      this.#resuming.delete(topic);
      this.#letGo(resume);
    }
    this.#hub.remove(this, topic);
    return true;
  }

  /** Whether the socket subscribes to `topic`. */
  isSubscribed(topic: string): boolean {
    return this.#subscriptions.has(topic);
  }

  /** Publishes to `topic` from this socket: every subscriber but this one receives it. */
  publish(topic: string, data: string | BinaryData, options?: PublishOptions): void {
    this.#hub.publishFrom(this, topic, data, options);
  }

  /** Leaves every topic (the socket closed, or was closed for being slow). */
  leaveAll(): void {
    for (const topic of [...this.#subscriptions]) this.unsubscribe(topic);
  }

  /**
   * @internal Keeps `message` while its topic's history is being written; whether it took it (kept,
   * or let go to be read again from the history when the kept ones pass `resumeBufferLimit`).
   */
  holds(message: BrokerMessage): boolean {
    const resume = this.#resuming.get(message.topic);
    if (resume === undefined) return false;
    if (resume.overflowed) return true; // the next history read will have it
    const size = typeof message.data === 'string' ? message.data.length : message.data.byteLength;
    resume.held.push(message);
    resume.size += size;
    if (!this.#hub.holding(size, resume.size)) {
      this.#letGo(resume);
      resume.overflowed = true;
      this.#hub.overflowed(this, message.topic);
    }
    return true;
  }

  /** @internal Writes shared frames through the session's queue. */
  write(frames: SharedFrames): void {
    this.#sendFrames(frames.chunks, frames.bytes);
  }

  /** Drops what `resume` kept. */
  #letGo(resume: Resume): void {
    if (resume.size === 0 && resume.held.length === 0) return;
    this.#hub.holding(-resume.size, 0);
    resume.held = [];
    resume.size = 0;
  }

  #sendEvent(event: TopicEvent): void {
    const body = this.#hub.wrap(event);
    if (body !== undefined) this.#hub.sendTo([this], event.topic, body, true);
  }
}

/** A resume in progress: the live messages kept for it, and whether some were let go. */
interface Resume {
  held: BrokerMessage[];
  /** The size of `held` (bytes of binary data, UTF-16 units of text). */
  size: number;
  /** Live messages were let go since the current history read began: read the history again. */
  overflowed: boolean;
}

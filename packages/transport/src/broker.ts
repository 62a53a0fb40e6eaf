/**
 * The broker port: how a {@link TopicHub} shares its topics with other processes. The hub hands
 * every publish to its broker and delivers to its own subscribers what the broker hands back (its
 * own publishes included), so every process sees one order per topic. The default
 * `InProcessBroker` hands each message straight back: one process, nothing shared.
 * `@wskit/redis` implements it over Redis pub/sub (fast) and Redis Streams (recoverable).
 */

/** How a topic's messages travel between processes. */
export type DeliveryMode = 'fast' | 'recoverable';

/** A published message as brokers carry it. */
export interface BrokerMessage {
  /** The topic it was published to. */
  readonly topic: string;
  /** Text as a string, binary as bytes. */
  readonly data: string | Uint8Array;
  /** The hub that published it ({@link TopicHub.id}). */
  readonly origin: string;
  /** The publishing socket's id within its hub, to skip it (a socket's own publish); 0 for none. */
  readonly except: number;
  /** Recoverable topics: the message's position (a Redis stream ID), increasing within its topic. */
  readonly offset?: string | undefined;
  /** `false`: the publisher asked that it never be compressed (`publish(…, { compress: false })`). */
  readonly compress?: false | undefined;
}

/** What a broker reports besides messages. */
export interface BrokerNotice {
  /**
   * `gap`: fast topics may have lost messages (the broker connection was down from `since` to
   * `until`, epoch milliseconds). `missed`: a resume asked for history the retention window no longer
   * holds.
   */
  readonly kind: 'gap' | 'missed';
  /** The topics concerned: every fast topic subscribed for a gap, the resumed topic for `missed`. */
  readonly topics: readonly string[];
  /** `gap`: when the broker connection went down (epoch ms), if known. */
  readonly since?: number | undefined;
  /** `gap`: when it came back (epoch ms), if known. */
  readonly until?: number | undefined;
}

/** What a broker calls back: set once by the hub. */
export interface BrokerHandler {
  /** A message on a topic this broker subscribed to, in the topic's order. */
  message(message: BrokerMessage): void;
  /** A gap was detected (see {@link BrokerNotice}). */
  notice(notice: BrokerNotice): void;
}

/** The messages after an offset, for a subscriber that resumes. */
export interface BrokerHistory {
  /** The messages after the offset asked for, oldest first (at most the `limit` asked for). */
  readonly messages: readonly BrokerMessage[];
  /** Whether messages after the offset were already trimmed: the subscriber missed some. */
  readonly missed: boolean;
  /**
   * With a `limit`: the broker holds more after this page, and the next page starts after this
   * offset (pass it as the next `offset`). Absent: the page reached the end of what it holds.
   */
  readonly next?: string | undefined;
}

/**
 * A broker between hubs. `subscribe`/`unsubscribe` follow the union of the hub's local
 * subscriptions (called once per topic as its first subscriber comes and its last one goes).
 */
export interface Broker {
  /** Attaches the hub's callbacks (called once, before anything else). */
  attach(handler: BrokerHandler): void;
  /** Publishes `message` to every hub subscribed to its topic (this one included). */
  publish(message: BrokerMessage, mode: DeliveryMode): void | Promise<void>;
  /** Starts delivering `topic`'s messages; settles once messages published after it will arrive. */
  subscribe(topic: string, mode: DeliveryMode): void | Promise<void>;
  /** Stops delivering `topic`'s messages. */
  unsubscribe(topic: string): void;
  /**
   * The recoverable topic's messages after `offset`, at most `limit` of them (default: all it holds);
   * only brokers with recoverable topics have it. The hub reads a resume page by page.
   */
  history?(topic: string, offset: string, limit?: number): Promise<BrokerHistory>;
  /** Releases the broker's connections. */
  close(): Promise<void>;
}

/**
 * The default broker: hands every message straight back to its hub, synchronously. Recoverable
 * topics need a broker that keeps history: this one refuses them.
 */
export class InProcessBroker implements Broker {
  #handler: BrokerHandler | undefined;

  /** See {@link Broker.attach}. */
  attach(handler: BrokerHandler): void {
    this.#handler = handler;
  }

  /** Delivers `message` to the hub at once. */
  publish(message: BrokerMessage, mode: DeliveryMode): void {
    refuseRecoverable(mode);
    this.#handler?.message(message);
  }

  /** Nothing to do: every message comes back. */
  subscribe(_topic: string, mode: DeliveryMode): void {
    refuseRecoverable(mode);
  }

  /** Nothing to do. */
  unsubscribe(_topic: string): void {}

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function refuseRecoverable(mode: DeliveryMode): void {
  if (mode !== 'fast') {
    throw new TypeError(
      "Recoverable topics need a broker that keeps history (e.g. @wskit/redis); the in-process broker has only 'fast'",
    );
  }
}

/**
 * Compares two offsets of one topic (Redis stream IDs `milliseconds-sequence`): negative when `a`
 * comes first, 0 when equal, positive when after.
 */
export function compareOffsets(a: string, b: string): number {
  const [aTime = '0', aSequence = '0'] = a.split('-');
  const [bTime = '0', bSequence = '0'] = b.split('-');
  const time = compareDigits(aTime, bTime);
  return time !== 0 ? time : compareDigits(aSequence, bSequence);
}

/** Compares two non-negative decimal integers of any length. */
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

import { createClient, RESP_TYPES } from '@redis/client';
import {
  type Broker,
  type BrokerHandler,
  type BrokerHistory,
  type BrokerMessage,
  compareOffsets,
  type DeliveryMode,
  TypedEmitter,
} from '@wskit/transport';
import { decodeMessage, encodeMessage } from './wire.js';

/** The defaults of {@link RedisBrokerOptions}. */
export const DefaultRedisBrokerOptions = Object.freeze({
  /** Prefix of the Redis keys and channels this broker uses. */
  prefix: 'wskit:',
  /** A recoverable topic's stream keeps about this many messages (`XADD … MAXLEN ~`). */
  maxLength: 10_000,
  /** Stream entries one `XREAD` takes at most. */
  readCount: 512,
  /** Commands queued while Redis is away before new ones fail (node-redis' `commandsQueueMaxLength`). */
  maxQueuedCommands: 100_000,
  /** Reconnect after 50 ms, doubling up to 2 s, forever. */
  maxReconnectDelay: 2_000,
});

/** The options of a {@link RedisBroker}. */
export interface RedisBrokerOptions {
  /** The Redis URL, e.g. `redis://127.0.0.1:6379` (default node-redis' own: `redis://localhost:6379`). */
  readonly url?: string | undefined;
  /** See `DefaultRedisBrokerOptions.prefix`. */
  readonly prefix?: string | undefined;
  /** See `DefaultRedisBrokerOptions.maxLength`: the retention window of recoverable topics. */
  readonly maxLength?: number | undefined;
  /**
   * Also trim a recoverable topic's entries older than this many milliseconds (`MINID ~`), checked
   * on each publish (default none: only `maxLength`).
   */
  readonly maxAge?: number | undefined;
  /** See `DefaultRedisBrokerOptions.readCount`. */
  readonly readCount?: number | undefined;
  /** See `DefaultRedisBrokerOptions.maxQueuedCommands`. */
  readonly maxQueuedCommands?: number | undefined;
  /** See `DefaultRedisBrokerOptions.maxReconnectDelay`. */
  readonly maxReconnectDelay?: number | undefined;
}

/** The events of a {@link RedisBroker}. */
export interface RedisBrokerEvents {
  /** A connection to Redis failed or was lost (the broker reconnects by itself). */
  error: [error: Error];
  /** A connection came back after being lost (`since`, `until`: epoch ms of the outage). */
  reconnected: [connection: 'command' | 'subscriber' | 'reader', since: number, until: number];
}

type Client = ReturnType<typeof createClient>;
const BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;
const never = new Promise<never>(() => {});
/**
 * How long one XREAD blocks. A change of the followed streams interrupts it (`CLIENT UNBLOCK`); the
 * bound only covers an interrupt that arrived just before the XREAD: a new stream is then followed
 * this much later, still from the position taken when it was subscribed (nothing is lost).
 */
const BLOCK_MS = 2_000;
/** Stream entries one history `XRANGE` takes. */
const HISTORY_PAGE = 1_000;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`RedisBroker: ${name} must be a positive integer, not ${String(value)}`);
  }
  return value;
}

/** `XINFO STREAM`'s flat reply as a map from field to value. */
function fields(reply: unknown): Map<string, unknown> {
  const map = new Map<string, unknown>();
  if (!Array.isArray(reply)) return map;
  for (let index = 0; index + 1 < reply.length; index += 2) map.set(String(reply[index]), reply[index + 1]);
  return map;
}

/** Stream entries (`[id, [field, value, …]]`) as broker messages of `topic`. */
function entries(topic: string, reply: unknown): BrokerMessage[] {
  const messages: BrokerMessage[] = [];
  if (!Array.isArray(reply)) return messages;
  for (const entry of reply) {
    if (!Array.isArray(entry) || entry.length < 2 || !Array.isArray(entry[1])) continue;
    const id = String(entry[0]);
    const values = entry[1] as unknown[];
    for (let index = 0; index + 1 < values.length; index += 2) {
      if (String(values[index]) !== 'm') continue;
      const message = decodeMessage(topic, values[index + 1] as Buffer, id);
      if (message !== undefined) messages.push(message);
    }
  }
  return messages;
}

/**
 * A {@link Broker} over Redis, with node-redis (`@redis/client`). Three connections: one for
 * commands (`PUBLISH`, `XADD`, history), one for pub/sub, one that blocks in `XREAD`.
 *
 * - **Fast topics** (Redis pub/sub, channel `<prefix>t:<topic>`): at most once. When the pub/sub
 *   connection is lost, node-redis reconnects and subscribes again; the outage is reported as a
 *   `gap` notice for every fast topic (the hub's `gap` event; subscribers get it through the
 *   envelope).
 * - **Recoverable topics** (a Redis stream, key `<prefix>s:<topic>`, trimmed to about `maxLength`
 *   entries and `maxAge`): each message's offset is its stream ID. The reader follows every
 *   subscribed stream from the last ID it delivered, so after an outage it resumes where it stopped
 *   and loses nothing that Redis kept; publishes made meanwhile wait in node-redis' queue (up to
 *   `maxQueuedCommands`) and are added when Redis is back. `history` serves resumes.
 *
 * Every process receives a topic's messages in the order Redis received them (one channel or
 * stream per topic), so messages of one publisher arrive in the order it published them.
 */
export class RedisBroker extends TypedEmitter<RedisBrokerEvents> implements Broker {
  readonly #prefix: string;
  readonly #maxLength: number;
  readonly #maxAge: number | undefined;
  readonly #readCount: number;
  readonly #command: Client;
  readonly #subscriber: Client;
  readonly #reader: Client;
  readonly #ready: Promise<void>;
  #handler: BrokerHandler | undefined;
  /** Fast topics subscribed on the pub/sub connection. */
  readonly #fast = new Set<string>();
  /** Recoverable topics followed by the reader, with the last ID delivered. */
  readonly #positions = new Map<string, string>();
  #readerId: string | undefined;
  #reading = false;
  #wake: (() => void) | undefined;
  #closed = false;

  constructor(options: RedisBrokerOptions = {}) {
    super();
    this.#prefix = options.prefix ?? DefaultRedisBrokerOptions.prefix;
    this.#maxLength = positiveInteger('maxLength', options.maxLength, DefaultRedisBrokerOptions.maxLength);
    this.#maxAge = options.maxAge === undefined ? undefined : positiveInteger('maxAge', options.maxAge, 1);
    this.#readCount = positiveInteger('readCount', options.readCount, DefaultRedisBrokerOptions.readCount);
    const maxQueued = positiveInteger(
      'maxQueuedCommands',
      options.maxQueuedCommands,
      DefaultRedisBrokerOptions.maxQueuedCommands,
    );
    const maxDelay = positiveInteger(
      'maxReconnectDelay',
      options.maxReconnectDelay,
      DefaultRedisBrokerOptions.maxReconnectDelay,
    );
    const clientOptions = {
      ...(options.url === undefined ? {} : { url: options.url }),
      RESP: 2 as const,
      commandsQueueMaxLength: maxQueued,
      socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 10), maxDelay) },
    };
    this.#command = createClient(clientOptions);
    this.#subscriber = createClient(clientOptions);
    this.#reader = createClient(clientOptions);
    this.#watch(this.#command, 'command');
    this.#watch(this.#subscriber, 'subscriber', (since, until) => {
      if (this.#fast.size > 0) this.#handler?.notice({ kind: 'gap', topics: [...this.#fast], since, until });
    });
    this.#watch(this.#reader, 'reader');
    this.#ready = Promise.all([
      this.#command.connect(),
      this.#subscriber.connect(),
      this.#reader.connect(),
    ]).then(() => undefined);
    this.#ready.catch(() => {}); // reported through `error`; commands wait in the queue meanwhile
  }

  /** Settles once the three connections are up (the first time). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** See {@link Broker.attach}. */
  attach(handler: BrokerHandler): void {
    this.#handler = handler;
  }

  /** Publishes to the topic's channel (fast) or adds it to the topic's stream (recoverable). */
  async publish(message: BrokerMessage, mode: DeliveryMode): Promise<void> {
    const bytes = encodeMessage(message);
    if (mode === 'fast') {
      await this.#command.sendCommand(['PUBLISH', this.#channel(message.topic), bytes]);
      return;
    }
    const trim =
      this.#maxAge === undefined
        ? ['MAXLEN', '~', String(this.#maxLength)]
        : ['MINID', '~', `${Date.now() - this.#maxAge}-0`];
    await this.#command.sendCommand(['XADD', this.#stream(message.topic), ...trim, '*', 'm', bytes]);
    if (this.#maxAge !== undefined) {
      // MINID and MAXLEN cannot go in one XADD: the length bound is kept by a second, cheap trim.
      await this.#command.sendCommand([
        'XTRIM',
        this.#stream(message.topic),
        'MAXLEN',
        '~',
        String(this.#maxLength),
      ]);
    }
  }

  /** Subscribes the channel (fast), or starts following the stream from its current end (recoverable). */
  async subscribe(topic: string, mode: DeliveryMode): Promise<void> {
    if (mode === 'fast') {
      if (this.#fast.has(topic)) return;
      this.#fast.add(topic);
      await this.#subscriber.subscribe(
        this.#channel(topic),
        (bytes: Buffer) => {
          if (!this.#fast.has(topic)) return;
          const message = decodeMessage(topic, bytes);
          if (message !== undefined) this.#handler?.message(message);
        },
        true,
      );
      return;
    }
    if (this.#positions.has(topic)) return;
    const last = (await this.#command.sendCommand([
      'XREVRANGE',
      this.#stream(topic),
      '+',
      '-',
      'COUNT',
      '1',
    ])) as unknown[] | null;
    const first = Array.isArray(last) && Array.isArray(last[0]) ? String(last[0][0]) : '0-0';
    if (!this.#positions.has(topic)) this.#positions.set(topic, first);
    this.#follow();
  }

  /** Stops the channel or the stream. */
  unsubscribe(topic: string): void {
    if (this.#fast.delete(topic)) {
      void this.#subscriber.unsubscribe(this.#channel(topic)).catch(() => {});
    }
    if (this.#positions.delete(topic)) this.#interrupt();
  }

  /**
   * The recoverable topic's messages after `offset`: at most `limit` (then `next` says where the
   * following page starts), or all the stream holds (a little over `maxLength`); and whether some
   * were trimmed already (or lost with a Redis that restarted without persistence).
   */
  async history(topic: string, offset: string, limit = Number.POSITIVE_INFINITY): Promise<BrokerHistory> {
    const key = this.#stream(topic);
    let info: Map<string, unknown>;
    try {
      info = fields(await this.#command.sendCommand(['XINFO', 'STREAM', key]));
    } catch {
      return { messages: [], missed: offset !== '0-0' }; // no such stream: nothing kept at all
    }
    const maxDeleted = String(info.get('max-deleted-entry-id') ?? '0-0');
    const firstEntry = info.get('first-entry');
    const firstId = Array.isArray(firstEntry) ? String(firstEntry[0]) : undefined;
    const missed =
      compareOffsets(offset, maxDeleted) < 0 ||
      // No entry was ever deleted, yet the offset is older than the first: the stream was recreated.
      (maxDeleted === '0-0' &&
        firstId !== undefined &&
        offset !== '0-0' &&
        compareOffsets(offset, firstId) < 0);
    // Page through what the stream holds after the offset, up to `limit` entries.
    const messages: BrokerMessage[] = [];
    let after = offset;
    let read = 0;
    while (read < limit) {
      const count = Math.min(HISTORY_PAGE, limit - read);
      const reply = await this.#command.sendCommand(
        ['XRANGE', key, `(${after}`, '+', 'COUNT', String(count)],
        BUFFERS,
      );
      const page = Array.isArray(reply) ? reply.length : 0;
      if (page === 0) break;
      read += page;
      messages.push(...entries(topic, reply));
      after = String((reply as unknown as unknown[][])[page - 1]![0]);
      if (page < count) return { messages, missed };
    }
    // `limit` entries read: more may follow (an extra empty page tells the caller it reached the end).
    return read >= limit ? { messages, missed, next: after } : { messages, missed };
  }

  /** Stops reading and closes the three connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#positions.clear();
    this.#fast.clear();
    this.#wake?.();
    // A connection that is up finishes its commands first; one waiting for Redis is dropped.
    const end = (client: Client): Promise<unknown> =>
      client.isReady ? client.close() : Promise.resolve(client.destroy());
    await Promise.allSettled([end(this.#command), end(this.#subscriber)]);
    this.#reader.destroy(); // it may be blocked in XREAD
  }

  // ---- the stream reader ------------------------------------------------------------------------

  #channel(topic: string): string {
    return `${this.#prefix}t:${topic}`;
  }

  #stream(topic: string): string {
    return `${this.#prefix}s:${topic}`;
  }

  /** Starts the reader loop if it is not running, or makes it pick up a changed set of streams. */
  #follow(): void {
    if (this.#reading) {
      this.#interrupt();
      return;
    }
    this.#reading = true;
    void this.#readLoop();
  }

  /** Ends the reader's current `XREAD` (it is blocked on the old set of streams). */
  #interrupt(): void {
    this.#wake?.();
    if (this.#readerId !== undefined && this.#reading) {
      void this.#command.sendCommand(['CLIENT', 'UNBLOCK', this.#readerId]).catch(() => {});
    }
  }

  async #readLoop(): Promise<void> {
    while (!this.#closed) {
      if (this.#positions.size === 0) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      const topics = [...this.#positions.keys()];
      const ids = topics.map((topic) => this.#positions.get(topic)!);
      let reply: unknown;
      try {
        this.#readerId ??= String(await this.#reader.sendCommand(['CLIENT', 'ID']));
        reply = await this.#reader.sendCommand(
          [
            'XREAD',
            'COUNT',
            String(this.#readCount),
            'BLOCK',
            String(BLOCK_MS),
            'STREAMS',
            ...topics.map((topic) => this.#stream(topic)),
            ...ids,
          ],
          BUFFERS,
        );
      } catch {
        if (this.#closed) return;
        // The connection was lost: node-redis reconnects; read again from the same positions.
        this.#readerId = undefined;
        await Promise.race([this.#readerUp(), this.#closed ? Promise.resolve() : never]);
        continue;
      }
      if (!Array.isArray(reply)) continue; // timed out, or unblocked: the set of streams changed
      for (const stream of reply) {
        if (!Array.isArray(stream)) continue;
        const key = String(stream[0]);
        const topic = key.slice(this.#prefix.length + 2);
        for (const message of entries(topic, stream[1])) {
          const position = this.#positions.get(topic);
          if (position === undefined || compareOffsets(message.offset!, position) <= 0) continue;
          this.#positions.set(topic, message.offset!);
          this.#handler?.message(message);
        }
      }
    }
  }

  /** Settles once the reader connection is ready again. */
  #readerUp(): Promise<void> {
    if (this.#reader.isReady) return Promise.resolve();
    return new Promise((resolve) => {
      const ready = (): void => {
        this.#reader.off('ready', ready);
        resolve();
      };
      this.#reader.on('ready', ready);
    });
  }

  /** Reports a connection's errors, and its outages once it is back (`back(since, until)`). */
  #watch(
    client: Client,
    name: 'command' | 'subscriber' | 'reader',
    back?: (since: number, until: number) => void,
  ): void {
    let downSince: number | undefined;
    let wasReady = false;
    const lost = (): void => {
      if (wasReady && downSince === undefined) downSince = Date.now();
    };
    client.on('error', (error: Error) => {
      lost();
      if (!this.#closed) this.emit('error', error);
    });
    client.on('reconnecting', lost);
    client.on('ready', () => {
      wasReady = true;
      if (downSince === undefined) return;
      const since = downSince;
      const until = Date.now();
      downSince = undefined;
      this.emit('reconnected', name, since, until);
      back?.(since, until);
    });
  }
}

/** Creates a {@link RedisBroker}: `new TopicHub({ broker: redisBroker({ url }) })`, or a server's `topics.broker`. */
export function redisBroker(options: RedisBrokerOptions = {}): RedisBroker {
  return new RedisBroker(options);
}

import type { MessageType } from '@wskit/codec';

/** A piece of a received message (`delivery: 'pieces'`). */
export interface MessagePiece {
  /** The message's type. */
  readonly type: MessageType;
  /** The bytes of this piece (a view; text is not decoded). */
  readonly data: Uint8Array;
  /** Whether this piece ends the message. */
  readonly final: boolean;
}

/** What the inbox holds: a whole message (text as a string, binary as bytes) or a piece. */
export type Received = string | Uint8Array | MessagePiece;

/** Who waits for messages: an async iterator, told when the inbox ended (closed and empty). */
export interface InboxReader {
  /** The inbox is closed and holds nothing more for this reader: its last result was `done`. */
  ended(): void;
}

type Resolve = (result: IteratorResult<Received, undefined>) => void;

interface Waiter {
  readonly owner: InboxReader;
  readonly resolve: Resolve;
}

/** Whom an {@link Inbox} tells when it fills, has room again, or had messages taken. */
export interface InboxHost {
  /** The inbox holds its limit of messages or bytes: reading should pause. */
  inboxFull(): void;
  /** The inbox is below both limits again: reading may resume. */
  inboxRoom(): void;
  /** Held messages were taken (the byte count fell). */
  inboxTaken(): void;
}

const DONE: IteratorResult<Received, undefined> = { value: undefined, done: true };

const NO_ITEMS = Object.freeze([]) as unknown as Received[];
const NO_WAITERS = Object.freeze([]) as unknown as Waiter[];

/** The payload bytes of a kept item: a string counts its length (UTF-16 units, at most its UTF-8 size). */
function sizeOf(item: Received): number {
  if (typeof item === 'string') return item.length;
  if (item instanceof Uint8Array) return item.byteLength;
  return item.data.byteLength;
}

/**
 * Received messages that no consumer took yet, in arrival order, and the async iterators waiting
 * for them. It tells its host (`inboxFull`) when it holds `limit` messages or `byteLimit` payload
 * bytes (the session pauses reading) and (`inboxRoom`) when it is below both again (reading resumes).
 */
export class Inbox {
  readonly #limit: number;
  readonly #byteLimit: number;
  /** Payload bytes of the kept messages (a string counts its length). */
  #bytes = 0;
  readonly #host: InboxHost;
  /** Kept messages and waiting readers; the shared empty lists while there are none. */
  #items: Received[] = NO_ITEMS;
  /** Where the kept messages start in `#items` (taken ones are cleared, not shifted out: `shift` costs ~35 ns in V8). */
  #itemsHead = 0;
  /**
   * The iterator that waits longest, in two fields: one iterator is the usual case, and its waits
   * then allocate no waiter object. The others that wait, in order, are in `#waiters`.
   */
  #firstOwner: InboxReader | undefined;
  #firstResolve: Resolve | undefined;
  #waiters: Waiter[] = NO_WAITERS;
  #closed = false;
  #isFull = false;

  /**
   * @param limit the most messages kept before `full`.
   * @param byteLimit the most payload bytes kept before `full` (default no limit).
   */
  constructor(limit: number, host: InboxHost, byteLimit = Number.POSITIVE_INFINITY) {
    this.#limit = Math.max(1, limit);
    this.#byteLimit = byteLimit;
    this.#host = host;
  }

  /** Messages held. */
  get length(): number {
    return this.#items.length - this.#itemsHead;
  }

  /** Payload bytes kept (a text message counts its length). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether an iterator waits for the next message. */
  get hasWaiters(): boolean {
    return this.#firstResolve !== undefined;
  }

  /** Hands `item` to a waiting iterator, or keeps it. */
  push(item: Received): void {
    const resolve = this.#firstResolve;
    if (resolve !== undefined) {
      this.#promote();
      resolve({ value: item, done: false });
      return;
    }
    if (this.#items === NO_ITEMS) this.#items = [];
    this.#items.push(item);
    this.#bytes += sizeOf(item);
    if (!this.#isFull && (this.length >= this.#limit || this.#bytes >= this.#byteLimit)) {
      this.#isFull = true;
      this.#host.inboxFull();
    }
  }

  /** Takes every held message (to deliver them to listeners). */
  takeAll(): Received[] {
    const items = this.#itemsHead === 0 ? this.#items : this.#items.slice(this.#itemsHead);
    this.#items = NO_ITEMS;
    this.#itemsHead = 0;
    this.#bytes = 0;
    this.#checkRoom();
    return items;
  }

  /** The next message for the iterator `owner`: a held one, a later one, or done once closed. */
  next(owner: InboxReader): Promise<IteratorResult<Received, undefined>> {
    const item = this.#takeItem();
    if (item !== undefined) {
      this.#bytes -= sizeOf(item);
      this.#checkRoom();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.#closed) {
      owner.ended();
      return Promise.resolve(DONE);
    }
    return new Promise((resolve) => this.#wait(owner, resolve));
  }

  /** Ends the waits of the iterator `owner` (it returned early). */
  release(owner: InboxReader): void {
    for (const waiter of this.#takeWaiters()) {
      if (waiter.owner === owner) waiter.resolve(DONE);
      else this.#wait(waiter.owner, waiter.resolve);
    }
  }

  /** No more messages will come: waiting iterators finish, held messages can still be taken. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#takeWaiters()) {
      waiter.resolve(DONE);
      waiter.owner.ended();
    }
  }

  /** The first kept message, removed, or `undefined`. */
  #takeItem(): Received | undefined {
    const items = this.#items;
    const head = this.#itemsHead;
    if (head === items.length) return undefined;
    const item = items[head];
    if (head + 1 === items.length) {
      this.#items = NO_ITEMS;
      this.#itemsHead = 0;
    } else {
      items[head] = undefined as unknown as Received; // no reference kept to what was taken
      this.#itemsHead = head + 1;
    }
    return item;
  }

  /** Adds a wait behind the others. */
  #wait(owner: InboxReader, resolve: Resolve): void {
    if (this.#firstResolve === undefined) {
      this.#firstOwner = owner;
      this.#firstResolve = resolve;
      return;
    }
    if (this.#waiters === NO_WAITERS) this.#waiters = [];
    this.#waiters.push({ owner, resolve });
  }

  /** The first wait was answered: the next one moves up (or there is none). */
  #promote(): void {
    const next = this.#waiters.length > 0 ? this.#waiters.shift() : undefined;
    this.#firstOwner = next?.owner;
    this.#firstResolve = next?.resolve;
  }

  /** Every wait, in order, removed from the inbox (a rare path: early returns and the close). */
  #takeWaiters(): Waiter[] {
    const first = this.#firstResolve;
    if (first === undefined) return [];
    const waiters = [{ owner: this.#firstOwner!, resolve: first }, ...this.#waiters];
    this.#firstOwner = undefined;
    this.#firstResolve = undefined;
    this.#waiters = NO_WAITERS;
    return waiters;
  }

  #checkRoom(): void {
    if (this.#isFull && this.length < this.#limit && this.#bytes < this.#byteLimit) {
      this.#isFull = false;
      this.#host.inboxRoom();
    }
    this.#host.inboxTaken();
  }
}

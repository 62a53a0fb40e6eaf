import type { MessageType } from '@wskit/codec';
import type { Connection, SendOptions } from '@wskit/protocol';
import { createDeferred, type Deferred, rejectDeferred } from './deferred.js';

/** A message or fragment payload as the engine takes it. */
export type Payload = string | Uint8Array;

interface Fragment {
  readonly data: Payload;
  readonly size: number;
  readonly final: boolean;
  readonly done: Deferred;
}

interface WholeEntry {
  readonly kind: 'whole';
  readonly type: MessageType;
  readonly data: Payload;
  readonly size: number;
  /** The engine's per-message options (`compress`), or `undefined` for none. */
  readonly options: SendOptions | undefined;
  /** Settled when handed on (or dropped); `undefined` for a message sent without a promise. */
  readonly done: Deferred | undefined;
}

/** A message streamed in fragments: its place in the queue is taken when the stream is created. */
export interface StreamEntry {
  readonly kind: 'stream';
  readonly type: MessageType;
  readonly fragments: Fragment[];
  /** The first fragment went to the engine (`startMessage`). */
  started: boolean;
  /** The final fragment was queued: nothing more will be added. */
  ended: boolean;
  /** The entry left the queue (sent entirely, or dropped). */
  done: boolean;
}

/** Frames encoded elsewhere (a topic's shared frames), written as they are, behind what came before. */
interface FramesEntry {
  readonly kind: 'frames';
  readonly chunks: readonly Uint8Array[];
  readonly size: number;
}

type Entry = WholeEntry | StreamEntry | FramesEntry;

/**
 * The session driver's queue of outgoing messages that wait for the transport, in send order. A
 * streamed message holds its place from its creation: messages sent after it wait until it ends.
 * Sizes are payload bytes (text in UTF-8); {@link bytes} is their sum.
 */
/** The empty queue every idle session shares; never written to. */
const NO_ENTRIES = Object.freeze([]) as unknown as Entry[];

/** What `take` returns when no handed unit has a promise; never written to. */
const NO_DEFERREDS = Object.freeze([]) as unknown as Deferred[];

export class OutgoingQueue {
  /**
   * The first entry while it is the only one: the usual queue (one message sent, then taken) holds
   * no array. A second entry goes to {@link #entries} behind it.
   */
  #one: Entry | undefined;
  /** The entries after {@link #one} (all of them once it was taken); the shared empty {@link NO_ENTRIES} while none (no array allocated per flush or held idle). */
  #entries: Entry[] = NO_ENTRIES;
  #head = 0;
  #bytes = 0;
  #handedMessages = 0;
  #lastTakeUnits = 0;

  /** Payload bytes waiting in the queue. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Messages and fragments the last {@link take} handed on (some without a promise). */
  get lastTakeUnits(): number {
    return this.#lastTakeUnits;
  }

  /** Whole messages handed to the engine so far (`sendText`/`sendBinary` calls), never reset. */
  get handedMessages(): number {
    return this.#handedMessages;
  }

  /** Whether nothing waits. */
  get isEmpty(): boolean {
    return this.#one === undefined && this.#head === this.#entries.length;
  }

  /**
   * Whether nothing waits that could be handed on now: the queue is empty, or its head is a streamed
   * message waiting for its next fragment.
   */
  get settled(): boolean {
    const head = this.#peek();
    if (head === undefined) return true;
    return head.kind === 'stream' && head.fragments.length === 0;
  }

  /**
   * Queues a whole message; `done` (if any) is resolved once it is handed on, rejected if it is
   * dropped. Without one nothing is allocated for the message but its entry.
   */
  pushMessage(
    type: MessageType,
    data: Payload,
    size: number,
    options: SendOptions | undefined,
    done: Deferred | undefined,
  ): void {
    this.#add({ kind: 'whole', type, data, size, options, done });
    this.#bytes += size;
  }

  /** Queues frames already encoded; {@link take} stops in front of them (see {@link takeFrames}). */
  pushFrames(chunks: readonly Uint8Array[], size: number): void {
    this.#add({ kind: 'frames', chunks, size });
    this.#bytes += size;
  }

  /** Whether frames already encoded are at the head: the engine's output must be written first. */
  get framesAtHead(): boolean {
    return this.#peek()?.kind === 'frames';
  }

  /** Takes the frames entries at the head, appending their chunks to `into`; how many entries. */
  takeFrames(into: Uint8Array[]): number {
    let count = 0;
    for (let entry = this.#peek(); entry !== undefined; entry = this.#peek()) {
      if (entry.kind !== 'frames') break;
      for (const chunk of entry.chunks) into.push(chunk);
      this.#bytes -= entry.size;
      this.#shift();
      count++;
    }
    return count;
  }

  /** Queues a streamed message with no fragment yet. */
  openStream(type: MessageType): StreamEntry {
    const entry: StreamEntry = {
      kind: 'stream',
      type,
      fragments: [],
      started: false,
      ended: false,
      done: false,
    };
    this.#add(entry);
    return entry;
  }

  /** Queues a fragment of `stream`; `final` ends it. */
  pushFragment(stream: StreamEntry, data: Payload, size: number, final: boolean): Promise<void> {
    const done = createDeferred();
    stream.fragments.push({ data, size, final, done });
    if (final) stream.ended = true;
    this.#bytes += size;
    return done.promise;
  }

  /**
   * Hands queued messages and fragments to `engine` in order, until `budget` payload bytes were
   * handed (at least one unit goes, however large) or the head is a stream waiting for its next
   * fragment. Returns the handed units' deferreds, to resolve once the engine's bytes were written
   * (the shared empty array when none has one), and counts the units in {@link lastTakeUnits}.
   */
  take(budget: number, engine: Connection): Deferred[] {
    // Allocated for the first promise to settle: messages sent without one need no array.
    let handed: Deferred[] = NO_DEFERREDS;
    let units = 0;
    let spent = 0;
    for (
      let entry = this.#peek();
      entry !== undefined && (units === 0 || spent < budget);
      entry = this.#peek()
    ) {
      if (entry.kind === 'frames') break; // the session writes them behind the engine's output
      if (entry.kind === 'whole') {
        if (entry.type === 'binary') engine.sendBinary(entry.data as Uint8Array, entry.options);
        else if (typeof entry.data === 'string') engine.sendText(entry.data, entry.options);
        else engine.sendEncodedText(entry.data, entry.options);
        this.#handedMessages++;
        this.#shift();
        this.#bytes -= entry.size;
        spent += entry.size;
        units++;
        if (entry.done !== undefined) {
          if (handed === NO_DEFERREDS) handed = [];
          handed.push(entry.done);
        }
        continue;
      }
      const fragment = entry.fragments.shift();
      if (fragment === undefined) break; // the stream waits for its next write
      if (!entry.started) {
        entry.started = true;
        engine.startMessage(entry.type, fragment.data);
        if (fragment.final) engine.endMessage();
      } else if (fragment.final) {
        engine.endMessage(fragment.data);
      } else {
        engine.continueMessage(fragment.data);
      }
      this.#bytes -= fragment.size;
      spent += fragment.size;
      units++;
      if (handed === NO_DEFERREDS) handed = [];
      handed.push(fragment.done);
      if (fragment.final) {
        entry.done = true;
        this.#shift();
      }
    }
    this.#lastTakeUnits = units;
    return handed;
  }

  /** Drops everything queued, rejecting each unit's promise with `error`. */
  clear(error: Error): void {
    const entries = this.#one === undefined ? this.#entries : [this.#one, ...this.#entries];
    const head = this.#one === undefined ? this.#head : 0;
    this.#one = undefined;
    this.#entries = NO_ENTRIES;
    this.#head = 0;
    this.#bytes = 0;
    for (let index = head; index < entries.length; index++) {
      const entry = entries[index]!;
      if (entry.kind === 'whole') {
        if (entry.done !== undefined) rejectDeferred(entry.done, error);
      } else if (entry.kind === 'stream') {
        entry.done = true;
        for (const fragment of entry.fragments) rejectDeferred(fragment.done, error);
        entry.fragments.length = 0;
      }
    }
  }

  /** The first entry, or `undefined` when the queue is empty. */
  #peek(): Entry | undefined {
    return this.#one ?? (this.#head < this.#entries.length ? this.#entries[this.#head] : undefined);
  }

  #add(entry: Entry): void {
    if (this.#one === undefined && this.#entries === NO_ENTRIES) {
      this.#one = entry;
      return;
    }
    if (this.#entries === NO_ENTRIES) this.#entries = [];
    this.#entries.push(entry);
  }

  /** Removes the first entry. */
  #shift(): void {
    if (this.#one !== undefined) {
      this.#one = undefined;
      return;
    }
    this.#head++;
    if (this.#head === this.#entries.length) {
      this.#entries = NO_ENTRIES;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}

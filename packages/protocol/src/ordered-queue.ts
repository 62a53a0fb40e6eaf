import type { ConnectionEvent } from './events.js';
import type { ExtensionMessage } from './extension.js';

/**
 * One place in the order of events or frames while an extension works asynchronously: a received
 * message waiting to be decoded, or an event ready to deliver (incoming); a message waiting to be
 * encoded, or frames ready to write (outgoing).
 */
export interface Slot {
  /** Incoming: the event to deliver, once known. */
  event?: ConnectionEvent | undefined;
  /** Outgoing: the frames to write, once known. */
  frames?: Uint8Array[] | undefined;
  /** The message the extensions still have to transform. */
  message?: ExtensionMessage | undefined;
  /** Whether an extension is working on `message` now. */
  pending: boolean;
}

/** The empty slot list every idle queue shares; never written to. */
const NO_SLOTS: (Slot | undefined)[] = [];

/**
 * A first-in first-out queue of {@link Slot}s. It is only used while an extension has a message in
 * flight: otherwise events are delivered and frames written straight away, with no slot at all.
 */
export class SlotQueue {
  /** The slots; the shared empty list {@link NO_SLOTS} until the first push (an idle queue owns no array). */
  #items: (Slot | undefined)[] = NO_SLOTS;
  #start = 0;

  /** Whether no slot is waiting. */
  get isEmpty(): boolean {
    return this.#start === this.#items.length;
  }

  /** The first slot, if any. */
  get head(): Slot | undefined {
    return this.#items[this.#start];
  }

  push(slot: Slot): void {
    if (this.#items === NO_SLOTS) this.#items = [];
    this.#items.push(slot);
  }

  /** Removes the first slot. */
  shift(): void {
    this.#items[this.#start++] = undefined;
    if (this.#start === this.#items.length) this.clear();
  }

  /** Drops every slot; extension results that arrive later for them are ignored. */
  clear(): void {
    this.#items = NO_SLOTS;
    this.#start = 0;
  }
}

import { isCodecError } from '@wskit/codec';
import { ConnectionError } from './errors.js';
import type { ConnectionEvent, ConnectionFailure } from './events.js';
import {
  type ExtensionMessage,
  type ExtensionResult,
  isPromiseLike,
  runExtensionSteps,
} from './extension.js';
import { type Slot, SlotQueue } from './ordered-queue.js';
import { type DeliveryOptions, messageEvent } from './received-message.js';

/** One extension step per negotiated extension, bound to the connection's context. */
export type ExtensionStep = (message: ExtensionMessage) => ExtensionResult;

/**
 * What a pipeline needs from its connection: one object (the connection's callbacks, whose methods
 * live on a shared prototype), so a pipeline holds no closures.
 */
export interface PipelineHost {
  /** Whether the connection is `CLOSED` (then a failure is reported, not acted on). */
  isClosed(): boolean;
  /** Fails the connection (RFC 6455 §7.1.7). */
  fail(error: ConnectionFailure): void;
  /** A queue drained: the connection may release its extensions. */
  idle(): void;
  /** An asynchronous step settled outside any call into the engine: tell the I/O layer. */
  wake(): void;
  /** Incoming: delivers an event, in order. */
  deliver(event: ConnectionEvent): void;
  /** Outgoing: writes frames, in order. */
  write(frames: Uint8Array[]): void;
  /** Outgoing: frames a message the extensions encoded. */
  frame(message: ExtensionMessage): Uint8Array[];
  /** Outgoing: reports an error once the connection is closed (a message skipped). */
  report(error: ConnectionFailure): void;
}

/**
 * Received messages that extensions decode, and every event that arrives behind one, in arrival
 * order. While no decode is in flight the queue is empty and events go straight to `host.deliver`
 * (the connection creates a pipeline only when an extension first decodes a message).
 */
export class IncomingPipeline {
  readonly #queue = new SlotQueue();
  readonly #host: PipelineHost;
  readonly #steps: readonly ExtensionStep[];
  readonly #delivery: DeliveryOptions;

  constructor(host: PipelineHost, steps: readonly ExtensionStep[], delivery: DeliveryOptions) {
    this.#host = host;
    this.#steps = steps;
    this.#delivery = delivery;
  }

  /** Whether nothing waits: events can be delivered directly. */
  get isEmpty(): boolean {
    return this.#queue.isEmpty;
  }

  /** Delivers `event` now, or behind the messages still being decoded. */
  emit(event: ConnectionEvent): void {
    if (this.#queue.isEmpty) this.#host.deliver(event);
    else this.#queue.push({ event, pending: false });
  }

  /** Hands a message that carries extension RSV bits to the extensions; its event keeps its place. */
  decode(message: ExtensionMessage): void {
    this.#queue.push({ message, pending: false });
    this.#pump();
  }

  /** Drops everything queued; results that arrive later are ignored. */
  clear(): void {
    this.#queue.clear();
  }

  #pump(): void {
    for (let slot = this.#queue.head; slot !== undefined; slot = this.#queue.head) {
      if (slot.event === undefined && (slot.pending || !this.#start(slot))) return;
      this.#queue.shift();
      this.#host.deliver(slot.event!);
    }
    this.#host.idle();
  }

  /** Starts decoding; returns whether the slot's event is ready now. */
  #start(slot: Slot): boolean {
    let result: ExtensionResult;
    try {
      result = runExtensionSteps(this.#steps, 0, slot.message!);
    } catch (cause) {
      return this.#settle(slot, undefined, cause);
    }
    if (!isPromiseLike(result)) return this.#settle(slot, result, undefined);
    slot.pending = true;
    result.then(
      (message) => this.#resume(slot, message, undefined),
      (cause: unknown) => this.#resume(slot, undefined, cause ?? new Error('Extension rejected')),
    );
    return false;
  }

  #resume(slot: Slot, message: ExtensionMessage | undefined, cause: unknown): void {
    if (this.#queue.head !== slot) return; // dropped when the connection failed
    slot.pending = false;
    try {
      if (this.#settle(slot, message, cause)) this.#pump();
    } catch (error) {
      // A handler threw while events were delivered outside any call into the engine.
      if (this.#host.isClosed()) {
        this.#host.wake();
        throw error;
      }
      this.#queue.clear();
      this.#host.fail(
        new ConnectionError('WS_ERR_INTERNAL', 'Unexpected exception while delivering events', {
          cause: error,
        }),
      );
    }
    this.#host.wake();
  }

  /** Turns a decode outcome into the slot's event; returns false when the connection failed instead. */
  #settle(slot: Slot, message: ExtensionMessage | undefined, cause: unknown): boolean {
    let error: ConnectionFailure;
    if (message !== undefined) {
      const event = messageEvent(slot.message!.type, message.data, this.#delivery);
      if (event.type !== 'error') {
        slot.event = event;
        return true;
      }
      error = event.error;
    } else if (isCodecError(cause)) {
      error = cause;
    } else {
      error = new ConnectionError('WS_ERR_EXTENSION', 'An extension failed to decode a message', { cause });
    }
    if (this.#host.isClosed()) {
      slot.event = { type: 'error', error };
      return true;
    }
    this.#queue.clear(); // the stream is broken from this message on
    this.#host.fail(error);
    return false;
  }
}

/**
 * Outgoing messages that extensions encode, and every frame written behind one (other messages,
 * fragments, our close frame), in call order. While no encode is in flight the queue is empty and
 * frames go straight to `host.write` (the connection creates a pipeline only when an extension first
 * encodes a message). Pings and pongs do not wait here: they may go between messages.
 */
export class OutgoingPipeline {
  readonly #queue = new SlotQueue();
  readonly #host: PipelineHost;
  readonly #steps: readonly ExtensionStep[];
  #finished = 0;

  constructor(host: PipelineHost, steps: readonly ExtensionStep[]) {
    this.#host = host;
    this.#steps = steps;
  }

  /** Whether nothing waits: frames can be written directly. */
  get isEmpty(): boolean {
    return this.#queue.isEmpty;
  }

  /**
   * Messages handed to {@link encode} that are finished, since the start: their frames were written
   * (or, once the connection closed, the message was skipped after an encoding error). Messages the
   * connection dropped when it failed are never finished.
   */
  get finishedMessages(): number {
    return this.#finished;
  }

  /** Writes `frames` now, or behind the messages still being encoded. */
  write(frames: Uint8Array[]): void {
    if (this.#queue.isEmpty) this.#host.write(frames);
    else this.#queue.push({ frames, pending: false });
  }

  /** Hands a message to the extensions; its frames keep their place. */
  encode(message: ExtensionMessage): void {
    this.#queue.push({ message, pending: false });
    this.#pump();
  }

  /** Drops everything queued; results that arrive later are ignored. */
  clear(): void {
    this.#queue.clear();
  }

  #pump(): void {
    for (let slot = this.#queue.head; slot !== undefined; slot = this.#queue.head) {
      if (slot.frames === undefined && (slot.pending || !this.#start(slot))) return;
      this.#queue.shift();
      if (slot.message !== undefined) this.#finished++;
      this.#host.write(slot.frames!);
    }
    this.#host.idle();
  }

  /** Starts encoding; returns whether the slot's frames are ready now. */
  #start(slot: Slot): boolean {
    let result: ExtensionResult;
    try {
      result = runExtensionSteps(this.#steps, 0, slot.message!);
    } catch (cause) {
      this.#failed(cause);
      return false;
    }
    if (!isPromiseLike(result)) return this.#settle(slot, result);
    slot.pending = true;
    result.then(
      (message) => {
        if (this.#queue.head !== slot) return;
        slot.pending = false;
        if (this.#settle(slot, message)) this.#pump();
        this.#host.wake();
      },
      (cause: unknown) => {
        if (this.#queue.head !== slot) return;
        this.#failed(cause);
        this.#host.wake();
      },
    );
    return false;
  }

  #settle(slot: Slot, message: ExtensionMessage): boolean {
    try {
      slot.frames = this.#host.frame(message);
      return true;
    } catch (cause) {
      this.#failed(cause);
      return false;
    }
  }

  /** The head message could not be encoded: fail the connection, or once closed skip the message. */
  #failed(cause: unknown): void {
    const error = new ConnectionError('WS_ERR_EXTENSION', 'An extension failed to encode a message', {
      cause,
    });
    if (!this.#host.isClosed()) {
      this.#host.fail(error); // drops the queue: the close frame goes out now
      return;
    }
    // Closed already (our close frame waits behind this message): skip the message, keep the close.
    this.#queue.shift();
    this.#finished++;
    this.#host.report(error);
    this.#pump();
  }
}

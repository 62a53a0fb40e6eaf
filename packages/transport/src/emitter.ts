/**
 * A small typed event emitter: `on`, `off`, `once`, `listenerCount`. Event names and listener
 * arguments come from a map type, e.g. `{ message: [data: string | Uint8Array]; drain: [] }`.
 *
 * Unlike Node's `EventEmitter` it has no special `error` event (an error without listeners is not
 * thrown) and a listener that throws does not stop the others or the emitter's owner: the exception
 * is rethrown in a microtask, where the runtime reports it as uncaught, as `EventTarget` does.
 */
export type EventMap<M> = { [E in keyof M]: unknown[] };

/** A listener for the event `E` of the map `M`. */
export type Listener<M extends EventMap<M>, E extends keyof M> = (...args: M[E]) => void;

interface Registration {
  readonly listener: unknown;
  readonly once: boolean;
}

/** See the module comment. Subclass it and call {@link emit} from the subclass. */
export class TypedEmitter<M extends EventMap<M>> {
  /** The listeners by event; made when the first is added (an emitter nobody listens to owns no map). */
  #listeners: Map<keyof M, Registration[]> | undefined;

  /** Adds `listener` for `event`; the same function added twice is called twice. */
  on<E extends keyof M>(event: E, listener: Listener<M, E>): this {
    return this.#add(event, listener, false);
  }

  /** Adds `listener` for the next `event` only. */
  once<E extends keyof M>(event: E, listener: Listener<M, E>): this {
    return this.#add(event, listener, true);
  }

  /** Removes the last registration of `listener` for `event` (from `on` or `once`). */
  off<E extends keyof M>(event: E, listener: Listener<M, E>): this {
    const list = this.#listeners?.get(event);
    if (list === undefined) return this;
    for (let index = list.length - 1; index >= 0; index--) {
      if (list[index]!.listener === listener) {
        const next = list.slice();
        next.splice(index, 1);
        if (next.length === 0) this.#listeners!.delete(event);
        else this.#listeners!.set(event, next);
        this.listenersChanged(event);
        break;
      }
    }
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof M): number {
    return this.#listeners?.get(event)?.length ?? 0;
  }

  /**
   * Calls the listeners of `event` in the order they were added, with `args`. Listeners added or
   * removed during the call take effect from the next emit. Returns whether there were listeners.
   */
  protected emit<E extends keyof M>(event: E, ...args: M[E]): boolean {
    const list = this.#listeners?.get(event);
    if (list === undefined) return false;
    // The list is replaced, never changed, when listeners are added or removed (see #add, #remove).
    for (let index = 0; index < list.length; index++) {
      const registration = list[index]!;
      if (registration.once) this.#remove(event, registration);
      try {
        (registration.listener as (...args: M[E]) => void)(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return true;
  }

  /** Called after a listener was added or removed; subclasses override it to react. */
  protected listenersChanged(_event: keyof M): void {}

  #add<E extends keyof M>(event: E, listener: Listener<M, E>, once: boolean): this {
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function');
    if (this.#listeners === undefined) this.#listeners = new Map();
    const list = this.#listeners.get(event);
    const registration: Registration = { listener, once };
    // Copy on write: an emit in progress keeps iterating the list it started with.
    this.#listeners.set(event, list === undefined ? [registration] : [...list, registration]);
    this.listenersChanged(event);
    return this;
  }

  #remove(event: keyof M, registration: Registration): void {
    const listeners = this.#listeners;
    const list = listeners?.get(event);
    if (list === undefined) return;
    const next = list.filter((entry) => entry !== registration);
    if (next.length === 0) listeners!.delete(event);
    else listeners!.set(event, next);
    this.listenersChanged(event);
  }
}

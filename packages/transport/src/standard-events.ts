/**
 * The event classes of the WHATWG WebSocket API: the runtime's own `MessageEvent`, `CloseEvent` and
 * `ErrorEvent` where they exist (browsers, Bun, workerd; Node has `MessageEvent`, and `CloseEvent`
 * from 23), else small compatible classes; chosen on first use, not at import.
 */
import { enumerableMembers } from './standard-steps.js';

/** A `close` event of the WHATWG API. */
export interface StandardCloseEvent extends Event {
  /** The close code (1006 when the connection was lost or could not be established). */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;
  /** Whether the close handshake completed. */
  readonly wasClean: boolean;
}

/** A `message` event of the WHATWG API. */
export interface StandardMessageEvent extends Event {
  /** A string for text; an `ArrayBuffer` or a `Blob` (after `binaryType`) for binary. */
  readonly data: unknown;
  /** The origin of the WebSocket's URL, e.g. `ws://example.com:8080`. */
  readonly origin: string;
  /** Always `''` for WebSockets. */
  readonly lastEventId: string;
}

/** An `error` event of the WHATWG API (HTML's `ErrorEvent`). */
export interface StandardErrorEvent extends Event {
  /** A description of the failure. */
  readonly message: string;
  /** Always `''` for WebSockets. */
  readonly filename: string;
  /** Always 0 for WebSockets. */
  readonly lineno: number;
  /** Always 0 for WebSockets. */
  readonly colno: number;
  /** What failed the connection: the connector's error, the session's error, or a `DOMException`. */
  readonly error: unknown;
}

/** The members of DOM's `EventInit`. */
export interface StandardEventInit {
  /** Whether the event bubbles (default `false`). */
  bubbles?: boolean;
  /** Whether the event can be canceled (default `false`). */
  cancelable?: boolean;
  /** Whether the event crosses shadow roots (default `false`). */
  composed?: boolean;
}

/** The init dictionary of {@link CloseEvent}. */
export interface StandardCloseEventInit extends StandardEventInit {
  /** Default 0. */
  code?: number;
  /** Default `''`. */
  reason?: string;
  /** Default `false`. */
  wasClean?: boolean;
}

/** The init dictionary of {@link MessageEvent}. */
export interface StandardMessageEventInit extends StandardEventInit {
  /** Default `null`. */
  data?: unknown;
  /** Default `''`. */
  origin?: string;
  /** Default `''`. */
  lastEventId?: string;
}

/** The init dictionary of {@link ErrorEvent}. */
export interface StandardErrorEventInit extends StandardEventInit {
  /** Default `''`. */
  message?: string;
  /** Default `''`. */
  filename?: string;
  /** Default 0. */
  lineno?: number;
  /** Default 0. */
  colno?: number;
  /** Default `undefined`. */
  error?: unknown;
}

/** An event class with its init dictionary. */
export interface StandardEventClass<E extends Event, Init> {
  /** The class's prototype: what `instanceof` checks. */
  readonly prototype: E;
  new (type: string, init?: Init): E;
}

/** The fallback `CloseEvent`. */
class FallbackCloseEvent extends Event implements StandardCloseEvent {
  readonly #code: number;
  readonly #reason: string;
  readonly #wasClean: boolean;
  constructor(type: string, init: StandardCloseEventInit = {}) {
    super(type, init);
    this.#code = Number(init.code ?? 0) & 0xffff;
    this.#reason = String(init.reason ?? '');
    this.#wasClean = Boolean(init.wasClean);
  }
  get code(): number {
    return this.#code;
  }
  get reason(): string {
    return this.#reason;
  }
  get wasClean(): boolean {
    return this.#wasClean;
  }
}

/** The fallback `MessageEvent`. */
class FallbackMessageEvent extends Event implements StandardMessageEvent {
  readonly #data: unknown;
  readonly #origin: string;
  readonly #lastEventId: string;
  constructor(type: string, init: StandardMessageEventInit = {}) {
    super(type, init);
    this.#data = init.data ?? null;
    this.#origin = String(init.origin ?? '');
    this.#lastEventId = String(init.lastEventId ?? '');
  }
  get data(): unknown {
    return this.#data;
  }
  get origin(): string {
    return this.#origin;
  }
  get lastEventId(): string {
    return this.#lastEventId;
  }
  get source(): null {
    return null;
  }
  get ports(): readonly unknown[] {
    return [];
  }
}

/** The fallback `ErrorEvent`. */
class FallbackErrorEvent extends Event implements StandardErrorEvent {
  readonly #init: StandardErrorEventInit;
  constructor(type: string, init: StandardErrorEventInit = {}) {
    super(type, init);
    this.#init = {
      message: String(init.message ?? ''),
      filename: String(init.filename ?? ''),
      lineno: Number(init.lineno ?? 0) >>> 0,
      colno: Number(init.colno ?? 0) >>> 0,
      error: init.error,
    };
  }
  get message(): string {
    return this.#init.message!;
  }
  get filename(): string {
    return this.#init.filename!;
  }
  get lineno(): number {
    return this.#init.lineno!;
  }
  get colno(): number {
    return this.#init.colno!;
  }
  get error(): unknown {
    return this.#init.error;
  }
}

enumerableMembers(FallbackCloseEvent.prototype, ['code', 'reason', 'wasClean']);
enumerableMembers(FallbackMessageEvent.prototype, ['data', 'origin', 'lastEventId', 'source', 'ports']);
enumerableMembers(FallbackErrorEvent.prototype, ['message', 'filename', 'lineno', 'colno', 'error']);
for (const [fallback, name] of [
  [FallbackCloseEvent, 'CloseEvent'],
  [FallbackMessageEvent, 'MessageEvent'],
  [FallbackErrorEvent, 'ErrorEvent'],
] as const) {
  Object.defineProperty(fallback, 'name', { value: name });
  Object.defineProperty(fallback.prototype, Symbol.toStringTag, { value: name, configurable: true });
}

const globals = globalThis as { CloseEvent?: unknown; MessageEvent?: unknown; ErrorEvent?: unknown };

/**
 * Chooses a class on first use rather than at import: Node defines `MessageEvent` and `CloseEvent`
 * as lazy globals, and the first read of either loads its bundled undici (in Node 24: 2.8 MB more
 * heap and 18 MB more RSS, which every later full collection marks again), a price a server that
 * never dispatches a WHATWG event should not pay for importing the package.
 */
function chosenOnFirstUse<E extends Event, Init>(
  choose: () => StandardEventClass<E, Init>,
): () => StandardEventClass<E, Init> {
  let chosen: StandardEventClass<E, Init> | undefined;
  return () => {
    chosen ??= choose();
    return chosen;
  };
}

/** The runtime's class where it has one, else `fallback`; chosen on first use. */
function runtimeOr<E extends Event, Init>(
  runtime: () => unknown,
  fallback: StandardEventClass<E, Init>,
): () => StandardEventClass<E, Init> {
  return chosenOnFirstUse(() => {
    const candidate = runtime();
    return typeof candidate === 'function' ? (candidate as StandardEventClass<E, Init>) : fallback;
  });
}

/**
 * The exported stand-in for a class chosen on first use: it behaves as the chosen class (`new`,
 * `instanceof`, `extends`, `name`, `prototype`, statics), and the first such use chooses it. A
 * proxy over a plain function: it must be constructible, and its own `prototype` is writable, so
 * the proxy may report the chosen class's.
 */
function standIn<E extends Event, Init>(
  chosen: () => StandardEventClass<E, Init>,
): StandardEventClass<E, Init> {
  // A function expression, not an arrow: a proxy's target must be constructible.
  const target = function eventClass(): void {};
  const proxy: StandardEventClass<E, Init> = new Proxy(target, {
    construct: (_, args, newTarget) =>
      Reflect.construct(chosen(), args, newTarget === proxy ? chosen() : newTarget),
    apply: (_, self, args) => Reflect.apply(chosen() as unknown as () => void, self, args),
    get: (_, key) => Reflect.get(chosen(), key),
    has: (_, key) => Reflect.has(chosen(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(chosen()),
  }) as unknown as StandardEventClass<E, Init>;
  return proxy;
}

const closeEventClass = runtimeOr(() => globals.CloseEvent, FallbackCloseEvent);

/**
 * `CloseEvent`: the runtime's own where it has one (browsers, Bun, workerd, Node 23+), else a
 * compatible class (`code`, `reason`, `wasClean`). The WHATWG classes dispatch these. Looked up on
 * first use (see `chosenOnFirstUse`): the export behaves as that class, though it is not the
 * global's identity (`CloseEvent !== globalThis.CloseEvent`; `instanceof` either works).
 */
export const CloseEvent: StandardEventClass<StandardCloseEvent, StandardCloseEventInit> =
  standIn(closeEventClass);

/** Whether the runtime's `MessageEvent` keeps `origin` from its init dictionary (workerd's drops it). */
function keepsOrigin(candidate: unknown): boolean {
  try {
    const event = new (candidate as StandardEventClass<StandardMessageEvent, StandardMessageEventInit>)(
      'message',
      { origin: 'ws://probe' },
    );
    return event.origin === 'ws://probe';
  } catch {
    return false;
  }
}

const messageEventClass = chosenOnFirstUse(() => {
  const runtime = globals.MessageEvent;
  return typeof runtime === 'function' && keepsOrigin(runtime)
    ? (runtime as StandardEventClass<StandardMessageEvent, StandardMessageEventInit>)
    : FallbackMessageEvent;
});

/**
 * `MessageEvent`: the runtime's own where it has a complete one (browsers, Node, Bun), else a
 * compatible class (workerd's drops `origin`, which WebSocket messages carry). Looked up on first
 * use, as {@link CloseEvent}.
 */
export const MessageEvent: StandardEventClass<StandardMessageEvent, StandardMessageEventInit> =
  standIn(messageEventClass);

const errorEventClass = runtimeOr(() => globals.ErrorEvent, FallbackErrorEvent);

/**
 * `ErrorEvent`: the runtime's own where it has one (browsers, Bun, workerd), else a compatible
 * class (`message`, `filename`, `lineno`, `colno`, `error`; Node has none as a global). The WHATWG
 * class's `error` events are these, with the failure as `error`. Looked up on first use, as
 * {@link CloseEvent}.
 */
export const ErrorEvent: StandardEventClass<StandardErrorEvent, StandardErrorEventInit> =
  standIn(errorEventClass);

/** A `message` event with `data` and `origin`. */
export function createMessageEvent(data: unknown, origin: string): StandardMessageEvent {
  return new (messageEventClass())('message', { data, origin });
}

/** A `close` event. */
export function createCloseEvent(code: number, reason: string, wasClean: boolean): StandardCloseEvent {
  return new (closeEventClass())('close', { code, reason, wasClean });
}

/** An `error` event carrying `error` (and its message), also where the runtime's constructor drops it. */
export function createErrorEvent(error: unknown): StandardErrorEvent {
  const message = error instanceof Error ? error.message : String(error ?? '');
  const event = new (errorEventClass())('error', { message, error });
  if (event.error !== error) Object.defineProperty(event, 'error', { value: error, enumerable: true });
  return event;
}

let handlersCalledByRuntime: boolean | undefined;

/**
 * Whether the runtime's `EventTarget` itself calls an `on<type>` property when it dispatches an
 * event (workerd does): then event handler attributes must not also be registered as listeners.
 */
export function runtimeCallsEventHandlers(): boolean {
  if (handlersCalledByRuntime === undefined) {
    let called = false;
    class Probe extends EventTarget {
      get onprobe(): () => void {
        return () => {
          called = true;
        };
      }
    }
    new Probe().dispatchEvent(new Event('probe'));
    handlersCalledByRuntime = called;
  }
  return handlersCalledByRuntime;
}

/**
 * The event classes of the WHATWG WebSocket API: the runtime's own `MessageEvent`, `CloseEvent` and
 * `ErrorEvent` where they exist (browsers, Bun, workerd; Node has `MessageEvent`, and `CloseEvent`
 * from 23), else small compatible classes.
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

function runtimeOr<E extends Event, Init>(
  runtime: unknown,
  fallback: StandardEventClass<E, Init>,
): StandardEventClass<E, Init> {
  return typeof runtime === 'function' ? (runtime as StandardEventClass<E, Init>) : fallback;
}

/**
 * `CloseEvent`: the runtime's own where it has one (browsers, Bun, workerd, Node 23+), else a
 * compatible class (`code`, `reason`, `wasClean`). The WHATWG classes dispatch these.
 */
export const CloseEvent: StandardEventClass<StandardCloseEvent, StandardCloseEventInit> = runtimeOr(
  globals.CloseEvent,
  FallbackCloseEvent,
);

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

/**
 * `MessageEvent`: the runtime's own where it has a complete one (browsers, Node, Bun), else a
 * compatible class (workerd's drops `origin`, which WebSocket messages carry).
 */
export const MessageEvent: StandardEventClass<StandardMessageEvent, StandardMessageEventInit> =
  typeof globals.MessageEvent === 'function' && keepsOrigin(globals.MessageEvent)
    ? (globals.MessageEvent as StandardEventClass<StandardMessageEvent, StandardMessageEventInit>)
    : FallbackMessageEvent;

/**
 * `ErrorEvent`: the runtime's own where it has one (browsers, Bun, workerd), else a compatible
 * class (`message`, `filename`, `lineno`, `colno`, `error`; Node has none as a global). The WHATWG
 * class's `error` events are these, with the failure as `error`.
 */
export const ErrorEvent: StandardEventClass<StandardErrorEvent, StandardErrorEventInit> = runtimeOr(
  globals.ErrorEvent,
  FallbackErrorEvent,
);

/** A `message` event with `data` and `origin`. */
export function createMessageEvent(data: unknown, origin: string): StandardMessageEvent {
  return new MessageEvent('message', { data, origin });
}

/** An `error` event carrying `error` (and its message), also where the runtime's constructor drops it. */
export function createErrorEvent(error: unknown): StandardErrorEvent {
  const message = error instanceof Error ? error.message : String(error ?? '');
  const event = new ErrorEvent('error', { message, error });
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

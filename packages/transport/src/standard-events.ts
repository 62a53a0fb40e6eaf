/**
 * The event classes of the WHATWG WebSocket API: the runtime's own `MessageEvent` and `CloseEvent`
 * where they exist (browsers, Bun, workerd, Node 23+), else minimal compatible classes; and
 * `DOMException` for the exceptions the standard names.
 */

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

type CloseEventConstructor = new (
  type: string,
  init: { code: number; reason: string; wasClean: boolean },
) => StandardCloseEvent;
type MessageEventConstructor = new (
  type: string,
  init: { data: unknown; origin: string },
) => StandardMessageEvent;

/** The fallback `CloseEvent`. */
class FallbackCloseEvent extends Event implements StandardCloseEvent {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
    super(type);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
  }
}

/** The fallback `MessageEvent`. */
class FallbackMessageEvent extends Event implements StandardMessageEvent {
  readonly data: unknown;
  readonly origin: string;
  readonly lastEventId = '';
  readonly source = null;
  readonly ports: readonly unknown[] = [];
  constructor(type: string, init: { data?: unknown; origin?: string } = {}) {
    super(type);
    this.data = init.data ?? null;
    this.origin = init.origin ?? '';
  }
}

const globals = globalThis as { CloseEvent?: unknown; MessageEvent?: unknown; DOMException?: unknown };

/** The runtime's `CloseEvent`, or the fallback. */
export const CloseEventClass: CloseEventConstructor =
  typeof globals.CloseEvent === 'function'
    ? (globals.CloseEvent as CloseEventConstructor)
    : (FallbackCloseEvent as CloseEventConstructor);

/** The runtime's `MessageEvent`, or the fallback. */
const MessageEventClass: MessageEventConstructor =
  typeof globals.MessageEvent === 'function'
    ? (globals.MessageEvent as MessageEventConstructor)
    : (FallbackMessageEvent as MessageEventConstructor);

/** A `message` event with `data` and `origin` (set on the instance where the runtime's constructor drops it, as workerd's does). */
export function createMessageEvent(data: unknown, origin: string): StandardMessageEvent {
  const event = new MessageEventClass('message', { data, origin });
  if (event.origin !== origin) Object.defineProperty(event, 'origin', { value: origin, enumerable: true });
  if (event.lastEventId !== '') Object.defineProperty(event, 'lastEventId', { value: '', enumerable: true });
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

/** A `DOMException` with `name` (`SyntaxError`, `InvalidStateError`, `InvalidAccessError`). */
export function domException(message: string, name: string): Error {
  if (typeof globals.DOMException === 'function') {
    return new (globals.DOMException as new (message: string, name: string) => Error)(message, name);
  }
  const error = new Error(message);
  error.name = name;
  return error;
}

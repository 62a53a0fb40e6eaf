/**
 * The WHATWG classes of a runtime adapter (`new WebSocket(url, protocols, options)` and
 * `new WebSocketStream(url, options, connectOptions)`), made once here from the adapter's `connect`:
 * each adapter only says what its runtime needs (its name, the options it cannot honour, a check
 * that it runs where it can).
 */
import { connectorFor, StandardWebSocket, type WebSocketConnector } from './standard-websocket.js';
import { refuseUnsupportedOptions, type UnsupportedOptions } from './unsupported-option.js';
import type { WebSocket } from './websocket.js';
import {
  WebSocketStream as StandardWebSocketStream,
  type WebSocketStreamOptions,
} from './websocket-stream.js';

/** The options of an adapter's `connect` that its WHATWG classes set themselves (the subprotocols, the abort signal). */
export interface RuntimeConnectOptions {
  /** The subprotocols the constructor was given. */
  readonly protocols?: string | readonly string[] | undefined;
  /** Aborts connecting: joined with the class's own signal (`close()` while connecting). */
  readonly signal?: AbortSignal | undefined;
}

/** A runtime adapter's client, as its WHATWG classes use it. */
export interface RuntimeClient<Options extends RuntimeConnectOptions> {
  /** The package, named in error messages: `@wskit/bun`. */
  readonly name: string;
  /** The adapter's `connect`. */
  readonly connect: (url: URL, options: Options) => Promise<WebSocket>;
  /** The options the runtime cannot honour: the constructors throw an `UnsupportedOptionError` for them. */
  readonly unsupported?: UnsupportedOptions | undefined;
  /** Throws when the code does not run in the adapter's runtime; given what was called (`new WebSocket()`). */
  readonly assertRuntime?: ((what: string) => void) | undefined;
  /** Options the classes always pass to `connect`, over the caller's (`@wskit/node`: binary messages as bytes). */
  readonly fixed?: Partial<Options> | undefined;
}

/** The class {@link runtimeWebSocketClass} makes: `StandardWebSocket`'s constants, a constructor taking the adapter's options. */
export type RuntimeWebSocketClass<Options> = Omit<typeof StandardWebSocket, 'prototype'> & {
  new (url: string | URL, protocols?: string | readonly string[], options?: Options): StandardWebSocket;
  readonly prototype: StandardWebSocket;
};

/** The class {@link runtimeWebSocketStreamClass} makes: a constructor taking the adapter's options third. */
export type RuntimeWebSocketStreamClass<Options> = {
  new (
    url: string | URL,
    options?: WebSocketStreamOptions | null,
    connectOptions?: Options,
  ): StandardWebSocketStream;
  readonly prototype: StandardWebSocketStream;
};

/** Checks the runtime and the options of a constructor call, then binds them to `client.connect`. */
function connectorOf<Options extends RuntimeConnectOptions>(
  client: RuntimeClient<Options>,
  what: string,
  options: Omit<Options, 'protocols'>,
): WebSocketConnector {
  client.assertRuntime?.(what);
  if (client.unsupported !== undefined) {
    refuseUnsupportedOptions(`${client.name} ${what}`, options, client.unsupported);
  }
  return connectorFor<Options>(
    client.connect,
    (client.fixed === undefined ? options : { ...options, ...client.fixed }) as Omit<Options, 'protocols'>,
  );
}

/**
 * A runtime adapter's WHATWG `WebSocket` class: a subclass of {@link StandardWebSocket} whose
 * constructor takes the adapter's `connect` options (but the subprotocols) as a third argument.
 * The constructor first runs `client.assertRuntime` and refuses `client.unsupported` options.
 */
export function runtimeWebSocketClass<Options extends RuntimeConnectOptions>(
  client: RuntimeClient<Options>,
): RuntimeWebSocketClass<Omit<Options, 'protocols'>> {
  return class WebSocket extends StandardWebSocket {
    constructor(
      url: string | URL,
      protocols?: string | readonly string[],
      options: Omit<Options, 'protocols'> = {} as Omit<Options, 'protocols'>,
    ) {
      super(url, protocols, { connect: connectorOf(client, 'new WebSocket()', options) });
    }
  };
}

/**
 * A runtime adapter's `WebSocketStream` class: a subclass of `@wskit/transport`'s `WebSocketStream` whose
 * constructor takes the adapter's `connect` options (but the subprotocols) as a third argument,
 * checked as {@link runtimeWebSocketClass} checks them.
 */
export function runtimeWebSocketStreamClass<Options extends RuntimeConnectOptions>(
  client: RuntimeClient<Options>,
): RuntimeWebSocketStreamClass<Omit<Options, 'protocols'>> {
  // Not named `WebSocketStream` in the source: a bundler may resolve the base class to that same
  // name, which the class's own name would then shadow. Its `name` is set instead.
  const RuntimeWebSocketStream = class extends StandardWebSocketStream {
    constructor(
      url: string | URL,
      options?: WebSocketStreamOptions | null,
      connectOptions: Omit<Options, 'protocols'> = {} as Omit<Options, 'protocols'>,
    ) {
      super(url, options, { connect: connectorOf(client, 'new WebSocketStream()', connectOptions) });
    }
  };
  Object.defineProperty(RuntimeWebSocketStream, 'name', { value: 'WebSocketStream' });
  return RuntimeWebSocketStream;
}

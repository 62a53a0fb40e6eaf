import {
  type StandardCloseEvent,
  type StandardCloseEventInit,
  type StandardErrorEvent,
  type StandardErrorEventInit,
  type StandardEventClass,
  type StandardMessageEvent,
  type StandardMessageEventInit,
  type StandardWebSocket,
  StandardWebSocketError,
  type WebSocketStream,
  type WebSocketStreamOptions,
} from '@wskit/transport';
import { AssertionError, assert, assertEqual, describe, within } from './assert.js';
import { type ConformanceResult, timedResult } from './conformance-runner.js';

/**
 * What a runtime gives the WHATWG cases: its WHATWG classes, as its package exports them, and the
 * URL of a conformance server (one that hands every session to `serveConformance` and picks
 * subprotocols with {@link standardSelectProtocol}).
 */
export interface StandardEnv {
  /** The package's WHATWG `WebSocket` class. */
  readonly WebSocket: {
    /** The class's prototype: what `instanceof` and the enumerable-members cases check. */
    readonly prototype: StandardWebSocket;
    /** Connects to `url` offering `protocols`, as `new WebSocket(url, protocols)` in a browser. */
    new (url: string | URL, protocols?: string | readonly string[]): StandardWebSocket;
  };
  /** The package's `WebSocketStream` class. */
  readonly WebSocketStream: {
    /** Connects to `url` with `options` (`protocols`, `signal`), as the WHATWG proposal's constructor. */
    new (url: string | URL, options?: WebSocketStreamOptions): WebSocketStream;
  };
  /** The package's `CloseEvent`. */
  readonly CloseEvent: StandardEventClass<StandardCloseEvent, StandardCloseEventInit>;
  /** The package's `MessageEvent`. */
  readonly MessageEvent: StandardEventClass<StandardMessageEvent, StandardMessageEventInit>;
  /** The package's `ErrorEvent`. */
  readonly ErrorEvent: StandardEventClass<StandardErrorEvent, StandardErrorEventInit>;
  /** The `ws:` URL of the conformance server's `path` (query included). */
  url(path: string): string;
}

/** One WHATWG case: plain data, run by {@link runStandardCases} or by any test runner. */
export interface StandardCase {
  /** A stable name, e.g. `whatwg/constants`. */
  readonly name: string;
  /** Runs the case; rejects when the classes do not follow the standard. */
  run(env: StandardEnv): Promise<void>;
}

/** The subprotocol a conformance server offered {@link DECLINE} declines every offer for. */
export const DECLINE = 'decline-all';

/**
 * How the WHATWG cases' server picks a subprotocol: the first offered, or none when the client
 * offered `decline-all` (to test the client's reaction to a server that selects none).
 */
export function standardSelectProtocol(offered: readonly string[]): string | null {
  if (offered.includes(DECLINE)) return null;
  return offered[0] ?? null;
}

const READY_STATES = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

/** The property descriptor of `name` on `target` or the nearest object of its prototype chain. */
function findDescriptor(target: object, name: PropertyKey): PropertyDescriptor | undefined {
  for (let object: object | null = target; object !== null; object = Object.getPrototypeOf(object)) {
    const descriptor = Object.getOwnPropertyDescriptor(object, name);
    if (descriptor !== undefined) return descriptor;
  }
  return undefined;
}

/** Settles with the events of `ws` up to its close event. */
function eventsUntilClose(ws: StandardWebSocket, onOpen?: () => void): Promise<Event[]> {
  const events: Event[] = [];
  return new Promise((resolve) => {
    ws.addEventListener('open', (event) => {
      events.push(event);
      onOpen?.();
    });
    ws.addEventListener('message', (event) => events.push(event));
    ws.addEventListener('error', (event) => events.push(event));
    ws.addEventListener('close', (event) => {
      events.push(event);
      resolve(events);
    });
  });
}

const types = (events: readonly Event[]): string => events.map((event) => event.type).join(' ');

/** Rejects with what `promise` rejected with, or fails when it fulfilled. */
async function rejectionOf(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new AssertionError(`${what}: expected a rejection, it fulfilled`);
}

/** Reads the next chunk of `reader`, failing after 10 s. */
function readWithin<T>(
  reader: ReadableStreamDefaultReader<T>,
  what: string,
): Promise<ReadableStreamReadResult<T>> {
  return within(reader.read(), 10_000, what);
}

/**
 * The WHATWG cases, each written from the WHATWG WebSockets standard
 * (https://websockets.spec.whatwg.org/) and WebIDL (https://webidl.spec.whatwg.org/), with the step
 * it checks in its comment.
 */
export const standardCases: readonly StandardCase[] = [
  {
    name: 'whatwg/constants',
    async run(env) {
      // WebIDL §3.7.3 "Constants": a property of the interface object and of the interface
      // prototype object, { [[Writable]]: false, [[Enumerable]]: true, [[Configurable]]: false }.
      for (const target of [env.WebSocket, env.WebSocket.prototype] as object[]) {
        const where = target === env.WebSocket ? 'WebSocket' : 'WebSocket.prototype';
        for (const [name, value] of Object.entries(READY_STATES)) {
          const descriptor = findDescriptor(target, name);
          assert(descriptor !== undefined, `${where}.${name} exists`);
          assertEqual(descriptor.value, value, `${where}.${name}`);
          assertEqual(descriptor.writable, false, `${where}.${name} [[Writable]]`);
          assertEqual(descriptor.enumerable, true, `${where}.${name} [[Enumerable]]`);
          assertEqual(descriptor.configurable, false, `${where}.${name} [[Configurable]]`);
          let threw = false;
          try {
            (target as Record<string, unknown>)[name] = 42; // strict mode: a TypeError
          } catch (error) {
            threw = error instanceof TypeError;
          }
          assert(threw, `assigning ${where}.${name} throws a TypeError`);
          assertEqual((target as Record<string, unknown>)[name], value, `${where}.${name} after assignment`);
        }
      }
      const ws = new env.WebSocket(env.url('/echo'));
      try {
        const inherited: string[] = [];
        for (const key in ws) inherited.push(key);
        for (const name of Object.keys(READY_STATES)) {
          assert(inherited.includes(name), `for…in over an instance lists ${name}`);
        }
      } finally {
        ws.close();
      }
    },
  },
  {
    name: 'whatwg/members-enumerable',
    async run(env) {
      // WebIDL §3.7.6 "Attributes": an accessor property { [[Enumerable]]: true, [[Configurable]]:
      // true } on the interface prototype object (event handler IDL attributes are attributes, HTML
      // §8.1.8.1); §3.7.7 "Operations": { [[Writable]]: true, [[Enumerable]]: true,
      // [[Configurable]]: true }.
      const attributes = ['url', 'readyState', 'bufferedAmount', 'extensions', 'protocol', 'binaryType'];
      const handlers = ['onopen', 'onerror', 'onclose', 'onmessage'];
      for (const name of [...attributes, ...handlers]) {
        const descriptor = findDescriptor(env.WebSocket.prototype, name);
        assert(descriptor?.get !== undefined, `WebSocket.prototype.${name} is an accessor`);
        assertEqual(descriptor.enumerable, true, `${name} [[Enumerable]]`);
        assertEqual(descriptor.configurable, true, `${name} [[Configurable]]`);
        const writable = name === 'binaryType' || handlers.includes(name);
        assertEqual(descriptor.set !== undefined, writable, `${name} has a setter`);
      }
      for (const name of ['send', 'close']) {
        const descriptor = findDescriptor(env.WebSocket.prototype, name);
        assertEqual(typeof descriptor?.value, 'function', `WebSocket.prototype.${name}`);
        assertEqual(descriptor!.enumerable, true, `${name} [[Enumerable]]`);
        assertEqual(descriptor!.writable, true, `${name} [[Writable]]`);
      }
      for (const name of ['url', 'opened', 'closed', 'close']) {
        const descriptor = findDescriptor(env.WebSocketStream.prototype, name);
        assertEqual(descriptor?.enumerable, true, `WebSocketStream.prototype.${name} [[Enumerable]]`);
      }
    },
  },
  {
    name: 'whatwg/protocols-null',
    async run(env) {
      // WebSocket constructor: `protocols` is `(DOMString or sequence<DOMString>)`. WebIDL §3.2.23
      // (union conversion): null is not an object, so it converts to the DOMString "null" (§3.2.10,
      // ToString); constructor step 4: a string becomes a sequence of just that string.
      const ws = new env.WebSocket(env.url('/echo'), null as unknown as string);
      const events = await within(
        eventsUntilClose(ws, () => ws.close(1000)),
        10_000,
        'null protocols',
      );
      assertEqual(types(events), 'open close', 'events');
      assertEqual(ws.protocol, 'null', 'the subprotocol the server selected from the offer');
      // `undefined` is the default: the empty list, no subprotocol offered.
      const none = new env.WebSocket(env.url('/echo'), undefined);
      const noneEvents = await within(
        eventsUntilClose(none, () => none.close(1000)),
        10_000,
        'no protocols',
      );
      assertEqual(types(noneEvents), 'open close', 'events without protocols');
      assertEqual(none.protocol, '', 'no subprotocol');
      // A symbol cannot convert to DOMString: a TypeError (ToString).
      let threw = false;
      try {
        new env.WebSocket(env.url('/echo'), Symbol('protocol') as unknown as string);
      } catch (error) {
        threw = error instanceof TypeError;
      }
      assert(threw, 'a Symbol as protocols throws a TypeError');
    },
  },
  {
    name: 'whatwg/subprotocol-mismatch',
    async run(env) {
      // "Establish a WebSocket connection": if protocols is not the empty list and the response's
      // `Sec-WebSocket-Protocol` is null (the server selected none), fail the WebSocket connection.
      // Failing it fires error, then close with wasClean false and code 1006 ("the WebSocket
      // connection is closed" steps); open never fires.
      const ws = new env.WebSocket(env.url('/echo'), [DECLINE, 'chat']);
      const events = await within(eventsUntilClose(ws), 10_000, 'a declined subprotocol');
      assertEqual(types(events), 'error close', 'events');
      const close = events[1] as StandardCloseEvent;
      assertEqual(close.code, 1006, 'close code');
      assertEqual(close.wasClean, false, 'wasClean');
      assertEqual(ws.readyState, 3, 'readyState');
      assertEqual(ws.protocol, '', 'protocol');
    },
  },
  {
    name: 'whatwg/error-event',
    async run(env) {
      // The error event of a failed connection (HTML's ErrorEvent, as Node's global WebSocket fires
      // it): an ErrorEvent whose `error` is what failed the connection; then close 1006.
      const ws = new env.WebSocket(env.url('/abort?delay=5'));
      const events = await within(eventsUntilClose(ws), 10_000, 'a lost connection');
      assertEqual(types(events), 'open error close', 'events');
      const error = events[1] as StandardErrorEvent;
      assert(error instanceof env.ErrorEvent, `the error event is an ErrorEvent: ${describe(error)}`);
      assert(error.error instanceof Error, `ErrorEvent.error is an Error: ${describe(error.error)}`);
      assertEqual(typeof error.message, 'string', 'ErrorEvent.message');
      assertEqual((events[2] as StandardCloseEvent).code, 1006, 'close code');
      // Refused before open: the connector's error.
      const refused = new env.WebSocket(env.url('/echo'), [DECLINE]);
      const refusedEvents = await within(eventsUntilClose(refused), 10_000, 'a refused connection');
      const refusal = refusedEvents[0] as StandardErrorEvent;
      assert(refusal instanceof env.ErrorEvent, 'the error event before open is an ErrorEvent');
      assert(refusal.error instanceof Error, 'with an error');
    },
  },
  {
    name: 'whatwg/event-classes',
    async run(env) {
      // The events fired are instances of the exported CloseEvent and MessageEvent (the standard's
      // "fire an event named close using CloseEvent", "… message using MessageEvent"), and the
      // exported classes construct from their init dictionaries (HTML and the WebSockets standard).
      const ws = new env.WebSocket(env.url('/close?code=4000&reason=bye&message=hi'));
      const events = await within(eventsUntilClose(ws), 10_000, 'a server close');
      assertEqual(types(events), 'open message close', 'events');
      assert(events[1] instanceof env.MessageEvent, 'the message event is a MessageEvent');
      assert(events[2] instanceof env.CloseEvent, 'the close event is a CloseEvent');
      const close = new env.CloseEvent('close', { code: 4001, reason: 'r', wasClean: true });
      assertEqual(
        [close.type, close.code, close.reason, close.wasClean].join(),
        'close,4001,r,true',
        'CloseEvent',
      );
      const message = new env.MessageEvent('message', { data: 'd', origin: 'ws://o' });
      assertEqual([message.type, message.data, message.origin].join(), 'message,d,ws://o', 'MessageEvent');
      const cause = new Error('cause');
      const error = new env.ErrorEvent('error', { message: 'm', error: cause });
      assertEqual(error.message, 'm', 'ErrorEvent.message');
      assert(error.error === cause, 'ErrorEvent.error');
      assert(error instanceof Event, 'ErrorEvent is an Event');
    },
  },
  {
    name: 'whatwg/refable',
    async run(env) {
      // Node's global WebSocket is "refable": process.ref(ws) and process.unref(ws) call its
      // Symbol.for('nodejs.ref') and Symbol.for('nodejs.unref') methods. They work in every state.
      const ref = Symbol.for('nodejs.ref');
      const unref = Symbol.for('nodejs.unref');
      const ws = new env.WebSocket(env.url('/echo')) as unknown as Record<symbol, () => void> &
        StandardWebSocket;
      assertEqual(typeof ws[ref], 'function', 'Symbol.for("nodejs.ref")');
      assertEqual(typeof ws[unref], 'function', 'Symbol.for("nodejs.unref")');
      ws[unref]!(); // while connecting
      ws.addEventListener('message', () => ws.close(1000));
      const events = await within(
        eventsUntilClose(ws, () => {
          ws[ref]!();
          ws[unref]!();
          ws.send('still works');
        }),
        10_000,
        'an unref’d WebSocket',
      );
      assertEqual(types(events), 'open message close', 'events');
      ws[ref]!(); // and once closed
    },
  },
  {
    name: 'stream/echo',
    async run(env) {
      // WebSocketStream: `opened` resolves with WebSocketOpenInfo { readable, writable, extensions,
      // protocol }; a string chunk is sent as text, a BufferSource as binary; received binary is a
      // Uint8Array; close({ closeCode, reason }) closes and `closed` resolves with WebSocketCloseInfo.
      const wss = new env.WebSocketStream(env.url('/echo'), { protocols: ['chat'] });
      const { readable, writable, protocol, extensions } = await within(wss.opened, 10_000, 'opened');
      assert(readable instanceof ReadableStream, 'readable is a ReadableStream');
      assert(writable instanceof WritableStream, 'writable is a WritableStream');
      assertEqual(protocol, 'chat', 'protocol');
      assertEqual(typeof extensions, 'string', 'extensions');
      const writer = writable.getWriter();
      const reader = readable.getReader();
      await writer.write('hello');
      await writer.write(new Uint8Array([1, 2, 3]).buffer);
      await writer.write(new Uint16Array([0x0201]));
      const text = await readWithin(reader, 'text echo');
      assertEqual(text.value, 'hello', 'text');
      const binary = await readWithin(reader, 'binary echo');
      assert(binary.value instanceof Uint8Array, `binary arrives as a Uint8Array: ${describe(binary.value)}`);
      assertEqual([...(binary.value as Uint8Array)].join(), '1,2,3', 'binary bytes');
      const view = await readWithin(reader, 'view echo');
      assertEqual((view.value as Uint8Array).length, 2, 'a view is sent as its bytes');
      wss.close({ closeCode: 4000, reason: 'bye' });
      // `closed` reports the peer's close frame: the conformance server answers with our code.
      const closed = await within(wss.closed, 10_000, 'closed');
      assertEqual(closed.closeCode, 4000, 'closeCode');
      const end = await readWithin(reader, 'the end of readable');
      assertEqual(end.done, true, 'readable is closed after a clean close');
      // After a clean close the writable is errored with an InvalidStateError.
      const error = (await rejectionOf(writer.write('late'), 'a write after close')) as Error;
      assertEqual(error.name, 'InvalidStateError', 'the write error');
      assertEqual(wss.url, env.url('/echo'), 'url');
    },
  },
  {
    name: 'stream/server-close',
    async run(env) {
      // The server's message, then its close: readable yields the message and ends; `closed`
      // resolves with the server's code and reason.
      const wss = new env.WebSocketStream(env.url('/close?code=4001&reason=done&message=last'));
      const { readable } = await within(wss.opened, 10_000, 'opened');
      const received: unknown[] = [];
      const reader = readable.getReader();
      for (
        let next = await readWithin(reader, 'message');
        !next.done;
        next = await readWithin(reader, 'message')
      ) {
        received.push(next.value);
      }
      assertEqual(received.join(), 'last', 'received');
      const closed = await within(wss.closed, 10_000, 'closed');
      assertEqual(`${closed.closeCode} ${closed.reason}`, '4001 done', 'closed');
    },
  },
  {
    name: 'stream/unclean-close',
    async run(env) {
      // Not closed cleanly: a WebSocketError whose closeCode is 1006 errors readable and writable,
      // and `closed` rejects with it.
      const wss = new env.WebSocketStream(env.url('/abort?delay=5'));
      const { readable } = await within(wss.opened, 10_000, 'opened');
      const error = (await within(rejectionOf(wss.closed, 'closed'), 10_000, 'closed')) as {
        name: string;
        closeCode: number;
      };
      assertEqual(error.name, 'WebSocketError', 'the error name');
      assertEqual(error.closeCode, 1006, 'closeCode');
      const readError = await rejectionOf(readable.getReader().read(), 'a read');
      assert(readError === error, 'readable is errored with the same error');
    },
  },
  {
    name: 'stream/subprotocol-mismatch',
    async run(env) {
      // "Establish a WebSocket connection" fails when protocols were offered and none selected:
      // `opened` and `closed` reject (the connection was never established).
      const wss = new env.WebSocketStream(env.url('/echo'), { protocols: [DECLINE] });
      const opened = (await within(rejectionOf(wss.opened, 'opened'), 10_000, 'opened')) as Error;
      assertEqual(opened.name, 'WebSocketError', 'opened rejects with a WebSocketError');
      const closed = (await rejectionOf(wss.closed, 'closed')) as { closeCode: number };
      assertEqual(closed.closeCode, 1006, 'closed rejects with closeCode 1006');
    },
  },
  {
    name: 'stream/signal',
    async run(env) {
      // Constructor step 8.2: an aborted signal rejects `opened` and `closed` with its reason;
      // 8.3: aborting while the connection is not yet established does the same.
      const reason = new Error('changed my mind');
      const early = new env.WebSocketStream(env.url('/echo'), { signal: AbortSignal.abort(reason) });
      assert((await rejectionOf(early.opened, 'opened')) === reason, 'opened rejects with the reason');
      assert((await rejectionOf(early.closed, 'closed')) === reason, 'closed rejects with the reason');
      const controller = new AbortController();
      const late = new env.WebSocketStream(env.url('/echo'), { signal: controller.signal });
      controller.abort(reason);
      assert((await rejectionOf(late.opened, 'opened')) === reason, 'opened rejects with the reason (late)');
      assert((await rejectionOf(late.closed, 'closed')) === reason, 'closed rejects with the reason (late)');
    },
  },
  {
    name: 'stream/close-validation',
    async run(env) {
      // "Close the WebSocket" validates: a code other than 1000 or 3000–4999 is an
      // InvalidAccessError, a reason over 123 bytes a SyntaxError; closeCode is
      // [EnforceRange] unsigned short (a TypeError outside 0–65535). writable.abort(WebSocketError)
      // closes with the error's code and reason ("close using reason").
      const wss = new env.WebSocketStream(env.url('/echo'));
      const { writable } = await within(wss.opened, 10_000, 'opened');
      const thrown = (action: () => void): string => {
        try {
          action();
        } catch (error) {
          return (error as Error).name;
        }
        return 'nothing';
      };
      assertEqual(
        thrown(() => wss.close({ closeCode: 1001 })),
        'InvalidAccessError',
        'closeCode 1001',
      );
      assertEqual(
        thrown(() => wss.close({ reason: 'x'.repeat(124) })),
        'SyntaxError',
        'a long reason',
      );
      assertEqual(
        thrown(() => wss.close({ closeCode: 70000 })),
        'TypeError',
        'closeCode 70000',
      );
      await writable.abort(new StandardWebSocketError('going', { closeCode: 4002, reason: 'aborted' }));
      const closed = await within(wss.closed, 10_000, 'closed');
      assertEqual(closed.closeCode, 4002, 'the peer answers with the code of the abort reason');
      // Any other abort reason closes without a code: the peer answers with an empty close (1005).
      const other = new env.WebSocketStream(env.url('/echo'));
      const opened = await within(other.opened, 10_000, 'opened');
      await opened.readable.cancel(new Error('not a WebSocketError'));
      const otherClosed = await within(other.closed, 10_000, 'closed');
      assertEqual(otherClosed.closeCode, 1005, 'closed without a code');
    },
  },
];

/** Options of {@link runStandardCases}. */
export interface RunStandardCasesOptions {
  /** Runs only the cases this returns true for (default: all). */
  filter?: (name: string) => boolean;
  /** Fails a case that runs longer than this (default 30 000 ms). */
  timeout?: number;
}

/** Runs the WHATWG cases one after the other against `env` and reports each. Never rejects. */
export async function runStandardCases(
  env: StandardEnv,
  options: RunStandardCasesOptions = {},
): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  const timeout = options.timeout ?? 30_000;
  for (const testCase of standardCases) {
    if (options.filter !== undefined && !options.filter(testCase.name)) continue;
    results.push(await timedResult(testCase.name, () => testCase.run(env), timeout));
  }
  return results;
}

import { isWebSocketError, type SessionOptions, type WebSocket } from '@wskit/transport';
import {
  AssertionError,
  assert,
  assertBytes,
  assertEqual,
  closedWithin,
  delay,
  nextMessage,
  patternBytes,
  patternText,
  within,
} from './assert.js';

/**
 * What an adapter gives the conformance suite: a way to open a client WebSocket to its conformance
 * server (a server that hands every accepted session to `serveConformance`).
 */
export interface ConformanceEnv {
  /**
   * Opens a client WebSocket to the conformance server at `path` (`/echo`, `/close?code=4000`, …; the
   * request target, query included) and resolves once it is open. `options` must reach
   * `openWebSocket` unchanged (limits, `highWaterMark`, `mask`, `delivery`, keepalive …).
   */
  connect(path: string, options?: SessionOptions): Promise<WebSocket>;
}

/** One conformance case: plain data, run by `runConformance` or by any test runner. */
export interface ConformanceCase {
  /** A stable name, e.g. `echo/binary/65537`. */
  readonly name: string;
  /** Runs the case; throws (rejects) when the adapter does not conform. */
  run(env: ConformanceEnv): Promise<void>;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** Every payload length class of RFC 6455 §5.2 and its edges, plus large messages within the default limits. */
const ECHO_SIZES: readonly [string, number][] = [
  ['0', 0],
  ['125', 125],
  ['126', 126],
  ['65535', 65535],
  ['65536', 65536],
  ['65537', 65537],
  ['1MiB', MiB],
  ['4MiB', 4 * MiB],
];

function echoCase(type: 'text' | 'binary', label: string, size: number): ConformanceCase {
  return {
    name: `echo/${type}/${label}`,
    async run(env) {
      const ws = await env.connect('/echo');
      const payload = type === 'text' ? patternText(size) : patternBytes(size);
      await ws.send(payload);
      const echoed = await within(nextMessage(ws), 10_000, 'echo');
      if (type === 'text') {
        assertEqual(typeof echoed, 'string', 'message type');
        assert(echoed === payload, `the echoed text differs (${echoed.length} chars, sent ${size})`);
      } else {
        assertBytes(echoed, payload as Uint8Array, 'echoed bytes');
      }
      await closeNormally(ws);
    },
  };
}

/** Closes with 1000 and checks the clean close (shared with the client-option cases). */
export async function closeNormally(ws: WebSocket): Promise<void> {
  ws.close(1000);
  const info = await closedWithin(ws, 10_000);
  assertEqual(info.code, 1000, 'close code');
  assertEqual(info.wasClean, true, 'wasClean');
  assertEqual(ws.readyState, ws.CLOSED, 'readyState after close');
}

/** Collects error events. */
function errorsOf(ws: WebSocket): Error[] {
  const errors: Error[] = [];
  ws.on('error', (error) => errors.push(error));
  return errors;
}

const encoder = new TextEncoder();

/** The conformance cases, in the order `runConformance` runs them. */
export const conformanceCases: readonly ConformanceCase[] = [
  ...ECHO_SIZES.flatMap(([label, size]) => [echoCase('text', label, size), echoCase('binary', label, size)]),
  {
    name: 'echo/text/utf-8',
    async run(env) {
      const ws = await env.connect('/echo');
      const text = 'héllo wörld ✓ 𝄞 🎉 '.repeat(1000);
      await ws.send(text);
      assertEqual(await within(nextMessage(ws), 5000, 'echo'), text, 'echoed text');
      await closeNormally(ws);
    },
  },
  {
    name: 'echo/burst-in-order',
    async run(env) {
      const ws = await env.connect('/echo');
      const count = 500;
      for (let index = 0; index < count; index++) {
        const data = index % 2 === 0 ? `message ${index}` : patternBytes(index, index);
        // Every third one without a promise: write() and send() keep one order.
        if (index % 3 === 0) assertEqual(ws.write(data), true, `write() of message ${index}`);
        else void ws.send(data);
      }
      for (let index = 0; index < count; index++) {
        const message = await within(nextMessage(ws), 5000, `message ${index}`);
        if (index % 2 === 0) assertEqual(message, `message ${index}`, `message ${index}`);
        else assertBytes(message, patternBytes(index, index), `message ${index}`);
      }
      await closeNormally(ws);
    },
  },
  {
    name: 'fragments/client-stream/binary',
    async run(env) {
      const ws = await env.connect('/echo');
      const stream = ws.stream('binary');
      const parts = [0, 1, 2, 3, 4].map((seed) => patternBytes(10 * KiB, seed));
      for (const part of parts) await stream.write(part);
      const last = patternBytes(KiB, 9);
      await stream.end(last);
      const expected = concat([...parts, last]);
      assertBytes(await within(nextMessage(ws), 5000, 'echo'), expected, 'echoed stream');
      await closeNormally(ws);
    },
  },
  {
    name: 'fragments/client-stream/text',
    async run(env) {
      const ws = await env.connect('/echo');
      const stream = ws.stream('text');
      const parts = ['héllo ', 'wörld ', '✓ ', '🎉'];
      await stream.write(parts[0]!);
      await stream.write(encoder.encode(parts[1]!)); // bytes are UTF-8 as they are
      await stream.write(parts[2]!);
      await stream.end(parts[3]!);
      // A message sent after the stream ended follows it.
      await ws.send('after');
      assertEqual(await within(nextMessage(ws), 5000, 'echo'), parts.join(''), 'echoed stream');
      assertEqual(await within(nextMessage(ws), 5000, 'echo'), 'after', 'message after the stream');
      await closeNormally(ws);
    },
  },
  {
    name: 'fragments/server-stream',
    async run(env) {
      const ws = await env.connect('/fragmented?count=8&size=4096');
      const expected = concat([0, 1, 2, 3, 4, 5, 6, 7].map((seed) => patternBytes(4096, seed)));
      assertBytes(await within(nextMessage(ws), 5000, 'fragmented message'), expected, 'message');
      await closeNormally(ws);
    },
  },
  {
    name: 'fragments/server-stream/text',
    async run(env) {
      const ws = await env.connect('/fragmented?count=3&size=100&type=text');
      const expected = [0, 1, 2].map((seed) => patternText(100, seed)).join('');
      assertEqual(await within(nextMessage(ws), 5000, 'fragmented message'), expected, 'message');
      await closeNormally(ws);
    },
  },
  {
    name: 'fragments/pieces-delivery',
    async run(env) {
      const ws = await env.connect('/fragmented?count=8&size=4096', { delivery: 'pieces' });
      const pieces: Uint8Array[] = [];
      const done = new Promise<void>((resolve) => {
        ws.on('messagePiece', (piece) => {
          assertEqual(piece.type, 'binary', 'piece type');
          pieces.push(piece.data.slice());
          if (piece.final) resolve();
        });
      });
      await within(done, 5000, 'final piece');
      const expected = concat([0, 1, 2, 3, 4, 5, 6, 7].map((seed) => patternBytes(4096, seed)));
      assertBytes(concat(pieces), expected, 'pieces joined');
      await closeNormally(ws);
    },
  },
  {
    name: 'ping/client-ping-pong',
    async run(env) {
      const ws = await env.connect('/echo');
      const payload = patternBytes(125);
      const pong = new Promise<Uint8Array>((resolve) => ws.once('pong', resolve));
      await ws.ping(payload);
      assertBytes(await within(pong, 5000, 'pong'), payload, 'pong payload');
      await closeNormally(ws);
    },
  },
  {
    name: 'ping/server-ping-auto-pong',
    async run(env) {
      const ws = await env.connect('/ping?payload=hello');
      const ping = new Promise<Uint8Array>((resolve) => ws.once('ping', resolve));
      await ws.send('ping-me');
      assertEqual(await within(nextMessage(ws), 5000, 'message'), 'pong:hello', 'server saw our pong');
      assertEqual(new TextDecoder().decode(await ping), 'hello', 'ping payload');
      await closeNormally(ws);
    },
  },
  {
    name: 'close/client-initiated',
    async run(env) {
      const ws = await env.connect('/echo');
      ws.close(1000, 'bye');
      assertEqual(ws.readyState, ws.CLOSING, 'readyState after close()');
      const rejection = await ws.send('too late').then(
        () => undefined,
        (error: unknown) => error,
      );
      assert(
        isWebSocketError(rejection) && rejection.code === 'WS_ERR_NOT_OPEN',
        'a send after close() rejects with WS_ERR_NOT_OPEN',
      );
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 1000, 'close code (the server echoes ours)');
      assertEqual(info.wasClean, true, 'wasClean');
      assertEqual(ws.readyState, ws.CLOSED, 'readyState');
    },
  },
  {
    name: 'close/client-initiated-no-code',
    async run(env) {
      const ws = await env.connect('/echo');
      ws.close();
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 1005, 'close code (no status received)');
      assertEqual(info.wasClean, true, 'wasClean');
    },
  },
  {
    name: 'close/server-initiated',
    async run(env) {
      const ws = await env.connect('/close?code=4000&reason=x&message=last');
      assertEqual(await within(nextMessage(ws), 5000, 'message'), 'last', 'the message before the close');
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 4000, 'close code');
      assertEqual(info.reason, 'x', 'close reason');
      assertEqual(info.wasClean, true, 'wasClean');
    },
  },
  {
    // Wire order (issue 12): the server's message and its close arrive together; the answer the
    // client sends from its message handler goes out before the client's close reply.
    name: 'close/answer-before-close-reply',
    async run(env) {
      const id = `${Date.now()}-${Math.random()}`;
      const ws = await env.connect(`/last-words?id=${encodeURIComponent(id)}`);
      ws.on('message', (data) => {
        void ws.send(`answer:${String(data)}`);
      });
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 4000, 'close code');
      assertEqual(info.wasClean, true, 'wasClean');
      const report = await env.connect(`/report?id=${encodeURIComponent(id)}`);
      const received = JSON.parse(String(await within(nextMessage(report), 5000, 'report')));
      assertEqual(JSON.stringify(received), JSON.stringify(['answer:question']), 'what the server received');
      await closedWithin(report, 10_000);
    },
  },
  {
    // Closing while a large message is still being written: the message goes first, whole, and the
    // server's echo of it still arrives while the close handshake runs.
    name: 'close/during-large-send',
    async run(env) {
      const ws = await env.connect('/echo');
      const payload = patternBytes(4 * MiB, 3);
      const sent = ws.send(payload);
      ws.close(1000, 'after the big one');
      await within(sent, 10_000, 'the large send');
      const echoed = await within(nextMessage(ws), 10_000, 'the echo');
      assertBytes(echoed, payload, 'echoed bytes');
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 1000, 'close code');
      assertEqual(info.wasClean, true, 'wasClean');
    },
  },
  {
    name: 'close/simultaneous',
    async run(env) {
      const ws = await env.connect('/close?code=4001&reason=server');
      ws.close(4002, 'client');
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.wasClean, true, 'wasClean');
      assert(info.code === 4001 || info.code === 4002, `close code 4001 or 4002, got ${info.code}`);
    },
  },
  {
    name: 'close/protocol-error-1002',
    async run(env) {
      // An unmasked client frame breaks RFC 6455 §5.1: the server fails the connection with 1002.
      const ws = await env.connect('/echo', { mask: false });
      void ws.send('unmasked');
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 1002, 'close code');
    },
  },
  {
    name: 'close/abrupt-disconnect-1006',
    async run(env) {
      const ws = await env.connect('/abort');
      const errors = errorsOf(ws);
      void ws.send('abort now');
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 1006, 'close code');
      assertEqual(info.wasClean, false, 'wasClean');
      assertEqual(errors.length, 1, 'error events');
    },
  },
  {
    name: 'close/terminate-1006',
    async run(env) {
      const ws = await env.connect('/echo');
      const errors = errorsOf(ws);
      ws.terminate();
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 1006, 'close code');
      assertEqual(info.wasClean, false, 'wasClean');
      assertEqual(errors.length, 0, 'error events after our own terminate()');
    },
  },
  {
    name: 'limits/client-max-message-size-1009',
    async run(env) {
      const ws = await env.connect('/limits?size=2048', { maxMessageSize: 1024 });
      const errors = errorsOf(ws);
      void ws.send('send it');
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 1009, 'close code');
      assertEqual(info.wasClean, false, 'wasClean (we failed the connection)');
      assertEqual(
        (errors[0] as { code?: string } | undefined)?.code,
        'WS_ERR_MESSAGE_TOO_LARGE',
        'error code',
      );
    },
  },
  {
    name: 'limits/server-max-message-size-1009',
    async run(env) {
      // The server runs with the default limits: 16 MiB per message.
      const ws = await env.connect('/echo');
      void ws.send(new Uint8Array(16 * MiB + 1));
      const info = await closedWithin(ws, 20_000);
      assertEqual(info.code, 1009, 'close code');
    },
  },
  {
    name: 'backpressure/slow-server',
    async run(env) {
      const highWaterMark = 256 * KiB;
      const ws = await env.connect('/slow?delay=300', { highWaterMark });
      const message = patternBytes(64 * KiB);
      let sent = 0;
      let peak = 0;
      let drains = 0;
      ws.on('drain', () => drains++);
      // Send until the transport pushes back (the server reads nothing for 300 ms).
      while (!ws.needsDrain) {
        assert(sent < 4096, 'no backpressure after 256 MiB: bufferedAmount never reached highWaterMark');
        void ws.send(message);
        sent++;
        peak = Math.max(peak, ws.bufferedAmount);
        await Promise.resolve(); // the session hands the message to the transport in a microtask
        if (sent % 64 === 0) await delay(0); // and the runtime gets to write
      }
      assert(ws.bufferedAmount >= highWaterMark, 'bufferedAmount grew to highWaterMark');
      // The writer waits on drain, so the sender's memory stays bounded.
      for (let more = 0; more < 32; more++) {
        await within(ws.drained(), 10_000, 'drain');
        void ws.send(message);
        sent++;
        peak = Math.max(peak, ws.bufferedAmount);
      }
      assert(drains > 0, 'a drain event fired');
      const bound = Math.max(highWaterMark, MiB) + 2 * message.length + 1024;
      assert(peak <= bound, `bufferedAmount peaked at ${peak}, over ${bound}`);
      await ws.send('done');
      const report = JSON.parse((await within(nextMessage(ws), 10_000, 'report')) as string);
      assertEqual(report.messages, sent, 'messages the server received');
      assertEqual(report.bytes, sent * message.length, 'bytes the server received');
      assertEqual(ws.bufferedAmount, 0, 'bufferedAmount once everything was read');
      await closeNormally(ws);
    },
  },
  {
    name: 'backpressure/write-returns-false',
    async run(env) {
      const highWaterMark = 256 * KiB;
      const ws = await env.connect('/slow?delay=300', { highWaterMark });
      const message = patternBytes(64 * KiB);
      let sent = 0;
      // write() itself reports the push-back: true until needsDrain holds (the server reads nothing
      // for 300 ms), then false.
      for (;;) {
        assert(sent < 4096, 'write() never returned false after 256 MiB');
        const more = ws.write(message);
        sent++;
        assertEqual(more, !ws.needsDrain, 'write() returns !needsDrain');
        if (!more) break;
        await Promise.resolve(); // the session hands the message to the transport in a microtask
        if (sent % 64 === 0) await delay(0); // and the runtime gets to write
      }
      assert(ws.bufferedAmount >= highWaterMark, 'bufferedAmount grew to highWaterMark');
      for (let more = 0; more < 16; more++) {
        await within(ws.drained(), 10_000, 'drain');
        ws.write(message);
        sent++;
      }
      await ws.send('done');
      const report = JSON.parse((await within(nextMessage(ws), 10_000, 'report')) as string);
      assertEqual(report.messages, sent, 'messages the server received');
      assertEqual(report.bytes, sent * message.length, 'bytes the server received');
      await closeNormally(ws);
    },
  },
  {
    name: 'close/write-after-close',
    async run(env) {
      const ws = await env.connect('/echo');
      const errors = errorsOf(ws);
      assertEqual(ws.write('before'), true, 'write() while open');
      assertEqual(await within(nextMessage(ws), 5000, 'echo'), 'before', 'echoed text');
      ws.close(1000);
      assertEqual(ws.write('after close()'), false, 'write() once closing');
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 1000, 'close code');
      assertEqual(ws.write('after the close event'), false, 'write() once closed');
      await within(ws.drained(), 1000, 'drained() once closed');
      assertEqual(errors.length, 0, 'error events');
    },
  },
  {
    name: 'backpressure/slow-client',
    async run(env) {
      const count = 64;
      const size = 64 * KiB;
      const ws = await env.connect(`/flood?count=${count}&size=${size}`, { maxBufferedMessages: 4 });
      await delay(300); // read nothing for a while: reading pauses, the server's sends wait
      let received = 0;
      for (;;) {
        const message = await within(nextMessage(ws), 10_000, `message ${received}`);
        if (typeof message === 'string') {
          const report = JSON.parse(message);
          assertEqual(report.sent, count, 'messages the server sent');
          assertEqual(received, count, 'messages received');
          const bound = Math.max(report.highWaterMark, MiB) + 2 * size + 1024;
          assert(
            report.peakBufferedAmount <= bound,
            `server bufferedAmount peaked at ${report.peakBufferedAmount}`,
          );
          break;
        }
        assertBytes(message, patternBytes(size), `message ${received}`);
        received++;
      }
      await closeNormally(ws);
    },
  },
  {
    name: 'close/no-control-after-close',
    async run(env) {
      // After our close frame nothing may follow on the wire (RFC 6455 §5.5.1): ping() and pong()
      // reject at once with WS_ERR_NOT_OPEN.
      const ws = await env.connect('/echo');
      ws.close(1000);
      for (const kind of ['ping', 'pong'] as const) {
        const error = await ws[kind]('late').then(
          () => undefined,
          (reason: unknown) => reason,
        );
        assert(isWebSocketError(error) && error.code === 'WS_ERR_NOT_OPEN', `${kind} after close rejects`);
      }
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 1000, 'close code');
      assertEqual(info.wasClean, true, 'wasClean');
    },
  },
  {
    name: 'keepalive/ping-pong',
    async run(env) {
      const ws = await env.connect('/echo', { keepaliveInterval: 20, pongTimeout: 2000 });
      let pongs = 0;
      ws.on('pong', () => pongs++);
      // Wait for two keepalive round trips; a loaded machine may stretch the 20 ms timers a lot.
      for (let waited = 0; pongs < 2 && waited < 5000; waited += 20) await delay(20);
      assert(pongs >= 2, `keepalive pongs after 5 s: ${pongs}`);
      assertEqual(ws.readyState, ws.OPEN, 'readyState');
      await closeNormally(ws);
    },
  },
];

/** The error `runConformance` reports for a case that did not finish in time. */
export function caseTimeout(name: string, milliseconds: number): Error {
  return new AssertionError(`${name}: did not finish within ${milliseconds} ms`);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

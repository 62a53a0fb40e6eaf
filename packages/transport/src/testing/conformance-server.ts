import type { WebSocket } from '@wskit/transport';
import { delay, nextMessage, patternBytes, patternText } from './assert.js';

/**
 * The server side of the conformance suite, selected by the request path (query parameters in
 * brackets). Every adapter's test server hands each accepted session to this function, with
 * default session options:
 *
 * | path | behaviour |
 * | --- | --- |
 * | `/echo` | sends every message back, text as text and binary as binary, waiting for each send |
 * | `/close[?code&reason&message&delay]` | after `delay` ms (0), sends `message` if given, then closes with `code` and `reason` (no code: an empty close frame) |
 * | `/slow[?delay]` | reads nothing for `delay` ms (300), then reads slowly (1 ms every 16 messages); answers the text `done` with `{"messages","bytes"}` counted before it |
 * | `/flood?count&size` | sends `count` binary messages of `size` bytes, waiting for each send, then the text `{"sent","peakBufferedAmount","highWaterMark"}` |
 * | `/abort[?delay]` | drops the transport (`terminate()`) after `delay` ms, or when the first message arrives |
 * | `/ping[?payload]` | echoes; the text `ping-me` is answered with a ping with `payload` (`conformance`), and the matching pong with the text `pong:<payload>` |
 * | `/fragmented[?count&size&type]` | sends one `type` (`binary`) message as `count` (4) fragments of `size` (1000) bytes of the suite's pattern, then echoes |
 * | `/limits?size` | when the first message arrives, sends one binary message of `size` bytes of the suite's pattern; then echoes |
 * | `/last-words?id` | sends the text `question` and closes with 4000 `last words` in the same turn (one write), and keeps every message that still arrives for `/report` |
 * | `/report?id` | sends what `/last-words` with the same `id` received, as a JSON array of strings, then closes with 1000 |
 *
 * Any other path closes with 4404. Settles when the session is closed; never rejects.
 */
export async function serveConformance(ws: WebSocket, path: string): Promise<void> {
  const url = new URL(path, 'ws://conformance.invalid');
  const query = url.searchParams;
  const number = (name: string, fallback: number): number => {
    const value = query.get(name);
    return value === null ? fallback : Number(value);
  };
  ws.on('error', () => {}); // failures are part of the cases; the close event says enough
  try {
    switch (url.pathname) {
      case '/echo':
        await echo(ws);
        break;
      case '/close': {
        await delay(number('delay', 0));
        const message = query.get('message');
        if (message !== null) void ws.send(message);
        const code = query.get('code');
        ws.close(code === null ? undefined : Number(code), query.get('reason') ?? undefined);
        break;
      }
      case '/slow': {
        await delay(number('delay', 300));
        let messages = 0;
        let bytes = 0;
        for await (const message of ws) {
          if (message === 'done') {
            await ws.send(JSON.stringify({ messages, bytes }));
            continue;
          }
          messages++;
          bytes += message.length;
          if (messages % 16 === 0) await delay(1); // and slowly from then on
        }
        break;
      }
      case '/flood': {
        const count = number('count', 64);
        const payload = patternBytes(number('size', 64 * 1024));
        let peakBufferedAmount = 0;
        let sent = 0;
        for (; sent < count && ws.readyState === ws.OPEN; sent++) {
          await ws.send(payload);
          peakBufferedAmount = Math.max(peakBufferedAmount, ws.bufferedAmount);
        }
        await ws.send(JSON.stringify({ sent, peakBufferedAmount, highWaterMark: ws.highWaterMark }));
        break;
      }
      case '/abort':
        if (query.has('delay')) await delay(number('delay', 0));
        else await nextMessage(ws);
        ws.terminate();
        break;
      case '/ping': {
        const payload = query.get('payload') ?? 'conformance';
        const text = new TextDecoder();
        ws.on('pong', (data) => {
          if (text.decode(data) === payload) void ws.send(`pong:${payload}`);
        });
        for await (const message of ws) {
          if (message === 'ping-me') await ws.ping(payload);
          else await ws.send(message);
        }
        break;
      }
      case '/fragmented': {
        const count = number('count', 4);
        const size = number('size', 1000);
        const type = query.get('type') === 'text' ? 'text' : 'binary';
        const stream = ws.stream(type);
        for (let index = 0; index < count; index++) {
          const data = type === 'text' ? patternText(size, index) : patternBytes(size, index);
          if (index === count - 1) await stream.end(data);
          else await stream.write(data);
        }
        if (count === 0) await stream.end();
        await echo(ws);
        break;
      }
      case '/limits':
        await nextMessage(ws);
        await ws.send(patternBytes(number('size', 0)));
        await echo(ws);
        break;
      case '/last-words': {
        const received: string[] = [];
        lastWords.set(query.get('id') ?? '', received);
        void ws.send('question');
        ws.close(4000, 'last words');
        // Messages still arrive while the close handshake runs (RFC 6455 §5.5.1).
        for await (const message of ws) received.push(typeof message === 'string' ? message : 'binary');
        break;
      }
      case '/report': {
        const id = query.get('id') ?? '';
        await ws.send(JSON.stringify(lastWords.get(id) ?? null));
        lastWords.delete(id);
        ws.close(1000);
        break;
      }
      default:
        ws.close(4404, 'unknown conformance path');
    }
  } catch {
    // A send rejected because the connection closed: the case decides whether that was right.
  }
  await ws.closed;
}

/** What each `/last-words` connection received, by its `id`, until `/report` takes it. */
const lastWords = new Map<string, string[]>();

async function echo(ws: WebSocket): Promise<void> {
  for await (const message of ws) {
    await ws.send(message);
  }
}

// Interop with Bun's own WebSocket implementation: our client (connect over Bun.connect) against a
// Bun.serve WebSocket server, and Bun's native WebSocket client against our server (serve over
// Bun.listen). Text and binary of several sizes (up to 4 MiB), fragmented messages, pings both
// ways, and close codes both ways.
import { describe, expect, it } from 'bun:test';
import { connect, serve, type WebSocketSession } from '@wskit/bun';
import { defer, pattern, until } from './helpers.js';

const SIZES = [0, 125, 126, 65535, 65536, 1024 * 1024 + 3, 4 * 1024 * 1024];
const decoder = new TextDecoder();

function nextMessage(ws: WebSocketSession): Promise<string | Uint8Array> {
  return new Promise((resolve) => ws.once('message', resolve));
}

/** A Bun.serve WebSocket server that echoes and records what it saw. */
function startBunServer() {
  const seen = { pongs: [] as string[], closes: [] as [number, string][], protocols: [] as string[] };
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request, bunServer) {
      if (bunServer.upgrade(request)) return undefined;
      return new Response('Upgrade Required', { status: 426 });
    },
    websocket: {
      maxPayloadLength: 64 * 1024 * 1024,
      message(ws, message) {
        const text = typeof message === 'string' ? message : undefined;
        if (text === 'ping-me') ws.ping('from-bun');
        else if (text?.startsWith('close-me:')) ws.close(Number(text.slice(9)), 'server bye');
        else ws.send(message);
      },
      pong(_ws, data) {
        seen.pongs.push(decoder.decode(data));
      },
      close(_ws, code, reason) {
        seen.closes.push([code, reason]);
      },
    },
  });
  defer(() => server.stop(true));
  return { url: `ws://127.0.0.1:${server.port}`, seen };
}

describe('our client, Bun.serve server', () => {
  it('echoes text and binary from 0 B to 4 MiB', async () => {
    const { url } = startBunServer();
    const ws = await connect(`${url}/echo`);
    defer(() => ws.terminate());
    for (const size of SIZES) {
      const bytes = pattern(size, size);
      const [echoed] = await Promise.all([nextMessage(ws), ws.send(bytes)]);
      expect(echoed).toEqual(bytes);
      const text = 'é'.repeat(Math.floor(size / 2));
      const [echoedText] = await Promise.all([nextMessage(ws), ws.send(text)]);
      expect(echoedText).toBe(text);
    }
  }, 30_000);

  it('sends fragmented messages that the server joins', async () => {
    const { url } = startBunServer();
    const ws = await connect(`${url}/echo`);
    defer(() => ws.terminate());
    const stream = ws.stream('binary');
    const parts = [pattern(1000, 1), pattern(70_000, 2), pattern(3, 3)];
    const echoed = nextMessage(ws);
    await stream.write(parts[0]!);
    await stream.write(parts[1]!);
    await stream.end(parts[2]!);
    const joined = new Uint8Array(71_003);
    joined.set(parts[0]!, 0);
    joined.set(parts[1]!, 1000);
    joined.set(parts[2]!, 71_000);
    expect(await echoed).toEqual(joined);
    const text = ws.stream('text');
    const echoedText = nextMessage(ws);
    await text.write('hello, ');
    await text.end('wörld');
    expect(await echoedText).toBe('hello, wörld');
  });

  it('pings both ways', async () => {
    const { url, seen } = startBunServer();
    const ws = await connect(`${url}/echo`);
    defer(() => ws.terminate());
    const pong = new Promise<Uint8Array>((resolve) => ws.once('pong', resolve));
    await ws.ping('from-us');
    expect(decoder.decode(await pong)).toBe('from-us');
    const ping = new Promise<Uint8Array>((resolve) => ws.once('ping', resolve));
    await ws.send('ping-me');
    expect(decoder.decode(await ping)).toBe('from-bun');
    await until(() => seen.pongs.includes('from-bun'));
  });

  it('closes with codes both ways', async () => {
    const { url, seen } = startBunServer();
    const ours = await connect(`${url}/echo`);
    ours.close(4001, 'client bye');
    // Bun's server echoes the reason too (RFC 6455 §5.5.1 lets it).
    expect(await ours.closed).toMatchObject({ code: 4001, wasClean: true });
    await until(() => seen.closes.length === 1);
    expect(seen.closes[0]).toEqual([4001, 'client bye']);
    const theirs = await connect(`${url}/echo`);
    await theirs.send('close-me:4002');
    expect(await theirs.closed).toEqual({ code: 4002, reason: 'server bye', wasClean: true });
  });
});

/** Our server: echoes, answers `ping-me` with a ping, `close-me:<code>` with a close; records. */
function startOurServer() {
  const seen = { pongs: [] as string[], closes: [] as [number, string][] };
  const server = serve({ hostname: '127.0.0.1', protocols: ['chat'] }, (ws) => {
    ws.on('pong', (data) => seen.pongs.push(decoder.decode(data)));
    ws.on('close', (code, reason) => seen.closes.push([code, reason]));
    ws.on('message', (message) => {
      if (message === 'ping-me') void ws.ping('from-us');
      else if (message === 'fragments') {
        const stream = ws.stream('binary');
        void stream
          .write(pattern(1000, 1))
          .then(() => stream.write(pattern(100_000, 2)))
          .then(() => stream.end(pattern(5, 3)));
      } else if (typeof message === 'string' && message.startsWith('close-me:'))
        ws.close(Number(message.slice(9)), 'our bye');
      else void ws.send(message);
    });
  });
  defer(() => server.close());
  return { url: `ws://127.0.0.1:${server.port}`, seen };
}

/** Bun's native client with an in-order inbox. */
async function openNative(url: string, protocols?: string[]) {
  const ws = new globalThis.WebSocket(url, protocols);
  ws.binaryType = 'arraybuffer';
  defer(() => ws.close());
  const queue: (string | Uint8Array)[] = [];
  const waiters: ((message: string | Uint8Array) => void)[] = [];
  ws.onmessage = (event) => {
    const data = typeof event.data === 'string' ? event.data : new Uint8Array(event.data as ArrayBuffer);
    const waiter = waiters.shift();
    if (waiter) waiter(data);
    else queue.push(data);
  };
  const closed = new Promise<{ code: number; reason: string; wasClean: boolean }>((resolve) => {
    ws.onclose = (event) => resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean });
  });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const next = () =>
    queue.length > 0
      ? Promise.resolve(queue.shift()!)
      : new Promise<string | Uint8Array>((resolve) => waiters.push(resolve));
  return { ws, next, closed };
}

describe("Bun's WebSocket client, our server", () => {
  it('negotiates the subprotocol and echoes text and binary from 0 B to 4 MiB', async () => {
    const { url } = startOurServer();
    const { ws, next } = await openNative(`${url}/echo`, ['chat']);
    expect(ws.protocol).toBe('chat');
    for (const size of SIZES) {
      const bytes = pattern(size, size);
      ws.send(bytes);
      expect(await next()).toEqual(bytes);
      const text = 'é'.repeat(Math.floor(size / 2));
      ws.send(text);
      expect(await next()).toBe(text);
    }
  }, 30_000);

  it('receives our fragmented messages joined', async () => {
    const { url } = startOurServer();
    const { ws, next } = await openNative(`${url}/echo`);
    ws.send('fragments');
    const message = (await next()) as Uint8Array;
    expect(message.byteLength).toBe(101_005);
    expect(message.subarray(0, 1000)).toEqual(pattern(1000, 1));
    expect(message.subarray(1000, 101_000)).toEqual(pattern(100_000, 2));
  });

  it('answers our pings', async () => {
    const { url, seen } = startOurServer();
    const { ws } = await openNative(`${url}/echo`);
    ws.send('ping-me');
    await until(() => seen.pongs.includes('from-us'));
  });

  it('closes with codes both ways', async () => {
    const { url, seen } = startOurServer();
    const first = await openNative(`${url}/echo`);
    first.ws.close(4003, 'native bye');
    expect((await first.closed).code).toBe(4003);
    await until(() => seen.closes.length === 1);
    expect(seen.closes[0]).toEqual([4003, 'native bye']);
    const second = await openNative(`${url}/echo`);
    second.ws.send('close-me:4004');
    expect(await second.closed).toEqual({ code: 4004, reason: 'our bye', wasClean: true });
  });
});

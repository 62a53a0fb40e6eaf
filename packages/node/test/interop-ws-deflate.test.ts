// Interop with ws (https://github.com/websockets/ws) with permessage-deflate on, both ways, on
// loopback, under several parameter sets: every message checked byte for byte, and the byte counts
// of the TCP connection show that both directions really went compressed.
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { connect, createServer, type PerMessageDeflateOption } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import {
  WebSocket as WsClient,
  type PerMessageDeflateOptions as WsDeflateOptions,
  WebSocketServer as WsServer,
} from 'ws';
import { defer } from './helpers.js';
import {
  clientExchange,
  expectSameBytes,
  expectSameText,
  interopServerOptions,
  MiB,
  observation,
  patternBytes,
  patternText,
  SIZES,
} from './interop-helpers.js';

/** Payload bytes each side sends in one exchange: text and binary of every size, compressible. */
const EXCHANGED = SIZES.reduce((sum, size) => sum + 2 * size, 0);

interface Variant {
  readonly name: string;
  /** ws's `perMessageDeflate` option. */
  readonly ws: boolean | WsDeflateOptions;
  /** Ours. */
  readonly ours: PerMessageDeflateOption;
  /** The agreed `Sec-WebSocket-Extensions` value. */
  readonly agreed: string;
  /**
   * At most this share of the payload bytes on the wire from the client, and from the server
   * (default 1/8 each). The binary pattern repeats every 256 bytes: with a 9- or 8-bit window,
   * which reaches back 250 bytes at most, only the text compresses.
   */
  readonly wireShare?: { readonly client?: number; readonly server?: number };
}

/** Parameter sets, named after what they exercise; `agreed` is the server's response. */
const CLIENT_VARIANTS: Variant[] = [
  {
    name: 'defaults on both sides',
    ws: true,
    ours: true,
    agreed: 'permessage-deflate',
  },
  {
    name: 'ws server: serverNoContextTakeover, clientMaxWindowBits 10',
    ws: { serverNoContextTakeover: true, clientMaxWindowBits: 10 },
    ours: true,
    agreed: 'permessage-deflate; server_no_context_takeover; client_max_window_bits=10',
  },
  {
    name: 'our client asks for server_no_context_takeover and server_max_window_bits 9, promises client_no_context_takeover',
    ws: true,
    ours: { serverNoContextTakeover: true, serverMaxWindowBits: 9, clientNoContextTakeover: true },
    agreed:
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9',
    wireShare: { server: 3 / 4 },
  },
  {
    name: 'smallest windows: 8 bits both ways',
    ws: { serverMaxWindowBits: 8, clientMaxWindowBits: 8 },
    ours: { clientMaxWindowBits: 8 },
    agreed: 'permessage-deflate; server_max_window_bits=8; client_max_window_bits=8',
    wireShare: { client: 3 / 4, server: 3 / 4 },
  },
];

const SERVER_VARIANTS: Variant[] = [
  {
    name: 'defaults on both sides',
    ws: true,
    ours: true,
    agreed: 'permessage-deflate',
  },
  {
    name: 'our server: serverNoContextTakeover, clientNoContextTakeover, clientMaxWindowBits 10',
    ws: true,
    ours: { serverNoContextTakeover: true, clientNoContextTakeover: true, clientMaxWindowBits: 10 },
    agreed:
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits=10',
  },
  {
    name: 'ws client asks for serverMaxWindowBits 10 and serverNoContextTakeover',
    ws: { serverMaxWindowBits: 10, serverNoContextTakeover: true, clientMaxWindowBits: 11 },
    ours: { serverMaxWindowBits: 12 },
    agreed:
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11',
  },
];

/** Parses a `Sec-WebSocket-Extensions` value into comparable parameter lists (order and case free). */
function parameters(header: string): string[] {
  return header
    .split(';')
    .map((part) =>
      part
        .trim()
        .toLowerCase()
        .replace(/\s*=\s*/, '='),
    )
    .sort();
}

/** A ws server with compression speaking the interop command set; records its TCP sockets. */
async function startWsServer(perMessageDeflate: boolean | WsDeflateOptions) {
  const sockets: Socket[] = [];
  const server = new WsServer({ port: 0, host: '127.0.0.1', maxPayload: 64 * MiB, perMessageDeflate });
  server.on('connection', (ws, request) => {
    sockets.push(request.socket);
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      if (text === 'fragments') {
        ws.send('frag-', { fin: false });
        ws.send('ment-', { fin: false });
        ws.send('ed', { fin: true });
      } else if (text === 'ping-me') {
        ws.ping('from-server');
      } else {
        ws.send(data, { binary: isBinary });
      }
    });
  });
  await once(server, 'listening');
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  return { url: `ws://127.0.0.1:${(server.address() as { port: number }).port}`, sockets };
}

/** Our interop server with compression; records the TCP sockets and the negotiated headers. */
async function startOurServer(perMessageDeflate: PerMessageDeflateOption) {
  const seen = observation();
  const { onConnection, ...options } = interopServerOptions(seen);
  const server = createServer({ port: 0, host: '127.0.0.1', ...options, perMessageDeflate }, onConnection);
  const sockets: Socket[] = [];
  const extensions: string[] = [];
  server.on('connection', (ws, request) => {
    sockets.push(request.socket);
    extensions.push(ws.extensions);
  });
  defer(() => server.close());
  await once(server, 'listening');
  return { url: `ws://127.0.0.1:${server.port}`, seen, sockets, extensions };
}

/** A ws client with compression and an in-order inbox of `[data, isBinary]`. */
async function openWsClient(url: string, perMessageDeflate: boolean | WsDeflateOptions) {
  const ws = new WsClient(url, { maxPayload: 64 * MiB, perMessageDeflate });
  defer(() => ws.terminate());
  let agreed = '';
  ws.on('upgrade', (response) => {
    agreed = String(response.headers['sec-websocket-extensions'] ?? '');
  });
  const queue: [Buffer, boolean][] = [];
  const waiters: ((message: [Buffer, boolean]) => void)[] = [];
  ws.on('message', (data: Buffer, isBinary) => {
    const waiter = waiters.shift();
    if (waiter) waiter([data, isBinary]);
    else queue.push([data, isBinary]);
  });
  await once(ws, 'open');
  const next = () =>
    queue.length > 0
      ? Promise.resolve(queue.shift()!)
      : new Promise<[Buffer, boolean]>((resolve) => waiters.push(resolve));
  return { ws, next, agreed };
}

describe('interop with ws, permessage-deflate on', () => {
  describe('our client, ws server', () => {
    for (const variant of CLIENT_VARIANTS) {
      it(`exchanges text and binary from 0 B to 1 MiB, fragments and pings: ${variant.name}`, async () => {
        const peer = await startWsServer(variant.ws);
        const ws = await connect(peer.url, { perMessageDeflate: variant.ours });
        defer(() => ws.terminate());
        expect(parameters(ws.extensions)).toEqual(parameters(variant.agreed));
        const checks = await clientExchange(ws, []);
        expect(checks).toBe(2 * SIZES.length + 5);
        ws.close(1000);
        expect(await ws.closed).toEqual({ code: 1000, reason: '', wasClean: true });
        // Our client's messages reached ws compressed, and ws's echoes reached us compressed
        // (the fragmented messages, about 70 KiB, go as they are).
        const [socket] = peer.sockets;
        expect(socket!.bytesRead, 'from our client').toBeLessThan(
          EXCHANGED * (variant.wireShare?.client ?? 1 / 8),
        );
        expect(socket!.bytesWritten, 'from ws').toBeLessThan(
          EXCHANGED * (variant.wireShare?.server ?? 1 / 8),
        );
      });
    }

    it('sends a message uncompressed with compress: false; ws takes both kinds', async () => {
      const peer = await startWsServer(true);
      const ws = await connect(peer.url, { perMessageDeflate: true });
      defer(() => ws.terminate());
      const bytes = patternBytes(MiB, 5);
      const echoes: (string | Uint8Array)[] = [];
      ws.on('message', (message) => echoes.push(message));
      await ws.send(bytes, { compress: false });
      await expect.poll(() => echoes.length).toBe(1);
      expect(peer.sockets[0]!.bytesRead).toBeGreaterThan(MiB);
      await ws.send(bytes);
      await expect.poll(() => echoes.length).toBe(2);
      expect(peer.sockets[0]!.bytesRead).toBeLessThan(MiB + 64 * 1024);
      expectSameBytes(echoes[0], bytes, 'uncompressed');
      expectSameBytes(echoes[1], bytes, 'compressed');
    });
  });

  describe('ws client, our server', () => {
    for (const variant of SERVER_VARIANTS) {
      it(`exchanges text and binary from 0 B to 1 MiB, fragments and pings: ${variant.name}`, async () => {
        const server = await startOurServer(variant.ours);
        const { ws, next, agreed } = await openWsClient(server.url, variant.ws);
        expect(ws.extensions).toBe('permessage-deflate');
        expect(parameters(agreed)).toEqual(parameters(variant.agreed));
        expect(parameters(server.extensions[0]!)).toEqual(parameters(variant.agreed));
        for (const size of SIZES) {
          ws.send(patternText(size));
          ws.send(patternBytes(size, size));
          const [text, textIsBinary] = await next();
          expect(textIsBinary).toBe(false);
          expectSameText(text.toString('utf8'), patternText(size), `text of ${size} bytes`);
          const [bytes, bytesIsBinary] = await next();
          expect(bytesIsBinary).toBe(true);
          expectSameBytes(new Uint8Array(bytes), patternBytes(size, size), `binary of ${size} bytes`);
        }
        ws.send(patternBytes(10, 1), { fin: false });
        ws.send(patternBytes(70_000, 2), { fin: false });
        ws.send(patternBytes(5, 3), { fin: true });
        const [fragmented] = await next();
        expectSameBytes(
          new Uint8Array(fragmented),
          Buffer.concat([patternBytes(10, 1), patternBytes(70_000, 2), patternBytes(5, 3)]),
          'binary in three fragments',
        );
        ws.send('fragments');
        expectSameText((await next())[0].toString(), 'frag-ment-ed', 'fragments from our server');
        const ping = once(ws, 'ping');
        ws.send('ping-me');
        expect(String((await ping)[0])).toBe('from-server');
        const closed = once(ws, 'close');
        ws.send('close:4005:compressed-bye');
        expect((await closed).map(String)).toEqual(['4005', 'compressed-bye']);
        const [socket] = server.sockets;
        expect(socket!.bytesRead, 'from ws').toBeLessThan(EXCHANGED * (variant.wireShare?.client ?? 1 / 8));
        expect(socket!.bytesWritten, 'from our server').toBeLessThan(
          EXCHANGED * (variant.wireShare?.server ?? 1 / 8),
        );
      });
    }

    it('runs uncompressed with a ws client that does not offer it', async () => {
      const server = await startOurServer(true);
      const { ws, next } = await openWsClient(server.url, false);
      expect(ws.extensions).toBe('');
      expect(server.extensions).toEqual(['']);
      ws.send(patternText(64 * 1024));
      expectSameText((await next())[0].toString(), patternText(64 * 1024), '64 KiB text');
      expect(server.sockets[0]!.bytesWritten).toBeGreaterThan(64 * 1024);
    });
  });
});

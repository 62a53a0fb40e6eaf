// handleUpgrade takes what Node's 'upgrade' event gives: this file must compile (`pnpm typecheck`
// includes test/) with the listener passed straight through, as with ws: the socket is typed
// stream.Duplex and head Buffer. It also runs: the callback gets the WebSocket.
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect, WebSocketServer, type WebSocketSession } from '@wskit/node';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { closeServer, defer } from './helpers.js';

describe('handleUpgrade', () => {
  it("accepts the 'upgrade' event's (request, Duplex, Buffer) and calls back with the WebSocket", async () => {
    const wss = new WebSocketServer();
    defer(() => wss.close());
    const http = createHttpServer();
    const accepted: WebSocketSession[] = [];
    const cb = (ws: WebSocketSession, request: IncomingMessage) => {
      accepted.push(ws);
      ws.on('message', (data) => void ws.send(`${request.url} ${String(data)}`));
    };
    http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, cb));
    expectTypeOf(wss.handleUpgrade).parameter(1).toEqualTypeOf<Duplex>();
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    defer(() => closeServer(http));
    const ws = await connect(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/path`);
    defer(() => ws.close());
    const reply = new Promise((resolve) => ws.once('message', resolve));
    void ws.send('hi');
    expect(await reply).toBe('/path hi');
    expect(accepted).toHaveLength(1);
    expect([...wss.clients]).toEqual(accepted);
  });

  it('opens the WebSocket in the turn of the upgrade event when the hooks are synchronous, not with an async verify', async () => {
    for (const verify of [() => true, async () => true]) {
      const wss = new WebSocketServer({ verify });
      defer(() => wss.close());
      const http = createHttpServer();
      const seen: string[] = [];
      wss.on('connection', () => seen.push('connection'));
      let settled: Promise<unknown> | undefined;
      http.on('upgrade', (req, socket, head) => {
        settled = wss.handleUpgrade(req, socket, head);
        seen.push('returned');
      });
      http.listen(0, '127.0.0.1');
      await once(http, 'listening');
      defer(() => closeServer(http));
      const ws = await connect(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/`);
      defer(() => ws.close());
      await settled;
      expect(seen).toEqual(
        verify.constructor.name === 'AsyncFunction' ? ['returned', 'connection'] : ['connection', 'returned'],
      );
    }
  });
});

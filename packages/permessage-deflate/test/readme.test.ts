import { acceptServerHandshake, createClientHandshake, type Extension, HeadParser } from '@wskit/handshake';
import { perMessageDeflate } from '@wskit/permessage-deflate';
import { Connection, type ConnectionEvent } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { tick } from './helpers.js';

// The README example "both sides in memory", verbatim but for console.log turned into assertions.
describe('README example', () => {
  it('negotiates through both handshakes and exchanges a compressed message', async () => {
    const client = perMessageDeflate();
    const server = perMessageDeflate({ serverNoContextTakeover: true });

    const handshake = createClientHandshake({ host: 'example.com', extensions: [client] });
    const request = new HeadParser('request').write(handshake.request.bytes);
    if (!request.done || !request.ok) throw new Error('bad request');
    const accepted = acceptServerHandshake(request.head, { extensions: [server] });
    if (!accepted.ok) throw accepted.error;
    const response = new HeadParser('response').write(accepted.response.bytes);
    if (!response.done || !response.ok) throw new Error('bad response');
    const agreement = handshake.validateResponse(response.head);
    if (!agreement.ok) throw agreement.error;
    expect(handshake.request.headers.get('sec-websocket-extensions')).toBe(
      'permessage-deflate; client_max_window_bits',
    );
    expect(accepted.response.headers.get('sec-websocket-extensions')).toBe(
      'permessage-deflate; server_no_context_takeover',
    );

    const params = (agreed: readonly Extension[]) =>
      agreed.find((e) => e.name === 'permessage-deflate')!.params;
    const clock = () => performance.now();
    const clientConnection = new Connection({
      role: 'client',
      clock,
      extensions: [client.createExtension(params(agreement.extensions), 'client')],
      onWake: () => pump(),
    });
    const serverConnection: Connection = new Connection({
      role: 'server',
      clock,
      extensions: [server.createExtension(params(accepted.extensions), 'server')],
      onWake: () => pump(),
      handler: {
        onMessage: (type, data) => type === 'text' && serverConnection.sendText(data.toUpperCase()),
      },
    });

    function pump(): void {
      for (let moved = true; moved; ) {
        moved = false;
        for (const bytes of clientConnection.dataToSend()) {
          serverConnection.receiveData(bytes.slice());
          moved = true;
        }
        for (const bytes of serverConnection.dataToSend()) {
          clientConnection.receiveData(bytes.slice());
          moved = true;
        }
      }
    }

    clientConnection.sendText('hello, '.repeat(200));
    pump();

    const events: ConnectionEvent[] = [];
    for (let i = 0; i < 500 && events.length < 2; i++) {
      await tick();
      events.push(...clientConnection.events());
    }
    expect(events).toEqual([
      { type: 'open' },
      { type: 'message', messageType: 'text', data: 'HELLO, '.repeat(200) },
    ]);
  });
});

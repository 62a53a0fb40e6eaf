/**
 * `decodeText: false`: text messages arrive as their UTF-8 bytes (validated, never decoded), as
 * events and handler calls, also after an extension decoded them, and go back out unchanged with
 * `sendEncodedText`.
 */
import { Opcode } from '@wskit/codec';
import { Connection, type ConnectionExtension } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { clientFrame, concat, FakeClock, toHex } from './helpers.js';

const RSV1 = 0x40;
const utf8 = new TextEncoder();

/** An identity extension on RSV1 (decoding clears the bit). */
const identity: ConnectionExtension = {
  name: 'x-identity',
  rsv: RSV1,
  decodeMessage: (message) => ({ ...message, rsv: message.rsv & ~RSV1 }),
};

describe('decodeText: false', () => {
  it('text messages are encodedText events with their bytes; binary stays a message', () => {
    const connection = new Connection({ role: 'server', clock: new FakeClock().read, decodeText: false });
    connection.events();
    connection.receiveData(
      concat([
        clientFrame(Opcode.Text, 'hé', false),
        clientFrame(Opcode.Continuation, 'llo'),
        clientFrame(Opcode.Binary, 'b'),
      ]),
    );
    expect(connection.events()).toEqual([
      { type: 'encodedText', data: utf8.encode('héllo') },
      { type: 'message', messageType: 'binary', data: utf8.encode('b') },
    ]);
  });

  it('reaches onEncodedText, and sendEncodedText echoes it byte for byte as text', () => {
    const received: Uint8Array[] = [];
    const connection = new Connection({
      role: 'server',
      clock: new FakeClock().read,
      decodeText: false,
      handler: {
        onEncodedText(data) {
          received.push(data);
          connection.sendEncodedText(data);
        },
        onMessage() {
          throw new Error('text must not arrive as a message');
        },
      },
    });
    connection.receiveData(clientFrame(Opcode.Text, 'grüß'));
    expect(received).toEqual([utf8.encode('grüß')]);
    const expected = new Connection({ role: 'server', clock: new FakeClock().read });
    expected.sendText('grüß');
    expect(toHex(concat(connection.dataToSend()))).toBe(toHex(concat(expected.dataToSend())));
  });

  it('invalid UTF-8 still fails with 1007, at the chunk holding the bad byte', () => {
    const connection = new Connection({ role: 'server', clock: new FakeClock().read, decodeText: false });
    connection.events();
    connection.receiveData(clientFrame(Opcode.Text, 'ok', false));
    expect(connection.events()).toEqual([]);
    connection.receiveData(clientFrame(Opcode.Continuation, Uint8Array.of(0x61, 0xff), false));
    expect(connection.events()[0]).toMatchObject({ type: 'error', error: { code: 'WS_ERR_INVALID_UTF8' } });
    // A close frame with code 1007 (03ef) goes out.
    expect(toHex(concat(connection.dataToSend())).slice(4, 8)).toBe('03ef');
  });

  it('messages an extension decoded are kept as bytes too, and validated', () => {
    const connection = new Connection({
      role: 'server',
      clock: new FakeClock().read,
      decodeText: false,
      extensions: [identity],
    });
    connection.events();
    connection.receiveData(clientFrame(Opcode.Text, 'ünïcode', true, RSV1));
    expect(connection.events()).toEqual([{ type: 'encodedText', data: utf8.encode('ünïcode') }]);
    connection.receiveData(clientFrame(Opcode.Text, Uint8Array.of(0xc3, 0x28), true, RSV1));
    expect(connection.events()[0]).toMatchObject({ type: 'error', error: { code: 'WS_ERR_INVALID_UTF8' } });
  });
});

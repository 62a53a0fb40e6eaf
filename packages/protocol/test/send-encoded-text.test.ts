import { Opcode } from '@wskit/codec';
import { Connection } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { concat, FakeClock, toHex } from './helpers.js';

describe('sendEncodedText', () => {
  it('frames the given UTF-8 bytes as a text message, like sendText', () => {
    const a = new Connection({ role: 'server', clock: new FakeClock().read });
    const b = new Connection({ role: 'server', clock: new FakeClock().read });
    a.sendText('héllo');
    b.sendEncodedText(new TextEncoder().encode('héllo'));
    const bytes = concat(b.dataToSend());
    expect(toHex(bytes)).toBe(toHex(concat(a.dataToSend())));
    expect(bytes[0]).toBe(0x80 | Opcode.Text);
  });

  it('refuses anything but bytes, and follows the state rules of data', () => {
    const connection = new Connection({ role: 'server', clock: new FakeClock().read });
    expect(() => connection.sendEncodedText('text' as unknown as Uint8Array)).toThrow(TypeError);
    connection.sendClose(1000);
    expect(() => connection.sendEncodedText(Uint8Array.of(0x61))).toThrow(
      'cannot send text in state CLOSING',
    );
  });
});

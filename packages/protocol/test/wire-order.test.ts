import { Opcode } from '@wskit/codec';
import { Connection, type ConnectionEvent } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { clientFrame, concat, FakeClock, serverFrame, toHex } from './helpers.js';

/**
 * Wire order (issue 12): events reach the application in the order their frames arrived, and what
 * the application sends in answer to the messages before the peer's Close or a bad frame goes out
 * before our close frame.
 */

const echoText = (connection: Connection, events: ConnectionEvent[]) => {
  for (const event of events) {
    if (event.type === 'message' && event.messageType === 'text') connection.sendText(event.data);
  }
};

/** The frames in `bytes` (unmasked server frames of at most 125 bytes), as [opcode, payload hex]. */
function frames(bytes: Uint8Array): [number, string][] {
  const out: [number, string][] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = bytes[at + 1]! & 0x7f;
    out.push([bytes[at]! & 0x0f, toHex(bytes.subarray(at + 2, at + 2 + length))]);
    at += 2 + length;
  }
  return out;
}

describe('wire order', () => {
  it('a message and the peer close in one read: the echo goes out before the close reply', () => {
    const server = new Connection({ role: 'server', clock: new FakeClock().read });
    server.events();
    server.receiveData(
      concat([clientFrame(Opcode.Text, 'last'), clientFrame(Opcode.Close, Uint8Array.of(3, 232))]),
    );
    const events = server.events();
    expect(events.map((event) => event.type)).toEqual(['message', 'closeReceived']);
    echoText(server, events);
    expect(frames(concat(server.dataToSend()))).toEqual([
      [Opcode.Text, toHex(new TextEncoder().encode('last'))],
      [Opcode.Close, '03e8'],
    ]);
    expect(server.events()).toEqual([{ type: 'close', code: 1000, reason: '', wasClean: true }]);
    expect(() => server.sendText('too late')).toThrow('cannot send text in state CLOSED');
  });

  it('a message then a bad frame in one read: delivered, answered, then 1002', () => {
    const server = new Connection({ role: 'server', clock: new FakeClock().read });
    server.events();
    server.receiveData(
      concat([clientFrame(Opcode.Text, 'ok'), clientFrame(0x3), clientFrame(Opcode.Text, 'no')]),
    );
    const events = server.events();
    expect(events.map((event) => event.type)).toEqual(['message', 'error']);
    echoText(server, events);
    const written = frames(concat(server.dataToSend()));
    expect(written[0]).toEqual([Opcode.Text, toHex(new TextEncoder().encode('ok'))]);
    expect(written[1]![0]).toBe(Opcode.Close);
    expect(written[1]![1].slice(0, 4)).toBe('03ea'); // 1002
    expect(server.shouldCloseTransport).toBe(true);
    const close = server.events();
    expect(close).toEqual([{ type: 'close', code: 1002, reason: expect.any(String), wasClean: false }]);
  });

  it('a fragmented message interrupted by a bad frame: earlier messages delivered, the partial one dropped', () => {
    const client = new Connection({ role: 'client', clock: new FakeClock().read, mask: false });
    client.events();
    client.receiveData(
      concat([
        serverFrame(Opcode.Binary, Uint8Array.of(1)),
        serverFrame(Opcode.Text, 'par', false),
        serverFrame(Opcode.Text, 'oops'), // a new data frame inside a fragmented message: 1002
      ]),
    );
    const events = client.events();
    expect(events.map((event) => event.type)).toEqual(['message', 'error']);
    expect(events[0]).toEqual({ type: 'message', messageType: 'binary', data: Uint8Array.of(1) });
    client.sendBinary(Uint8Array.of(2)); // an answer to the first message still goes out
    const written = concat(client.dataToSend());
    expect(toHex(written.subarray(0, 3))).toBe('820102');
    expect(written[3]).toBe(0x88);
    expect(client.state).toBe('CLOSED');
  });

  it('the application may answer the peer close with its own status (half-closed)', () => {
    const server = new Connection({ role: 'server', clock: new FakeClock().read, autoFlushClose: false });
    server.events();
    server.receiveData(clientFrame(Opcode.Close, Uint8Array.of(3, 232)));
    expect(server.dataToSend()).toEqual([]); // nothing written by itself
    server.sendText('still here');
    server.sendClose(4001, 'mine');
    expect(frames(concat(server.dataToSend()))).toEqual([
      [Opcode.Text, toHex(new TextEncoder().encode('still here'))],
      [Opcode.Close, toHex(Uint8Array.of(0x0f, 0xa1, ...new TextEncoder().encode('mine')))],
    ]);
    // The close event reports the peer's code (what the peer sent), clean.
    expect(server.events()).toEqual([
      { type: 'closeReceived', code: 1000, reason: '' },
      { type: 'close', code: 1000, reason: '', wasClean: true },
    ]);
    expect(server.closeSent).toEqual({ code: 4001, reason: 'mine' });
  });

  it('flushClose writes the due reply and does nothing when none is due', () => {
    const server = new Connection({ role: 'server', clock: new FakeClock().read, autoFlushClose: false });
    server.flushClose();
    expect(server.state).toBe('OPEN');
    server.receiveData(clientFrame(Opcode.Close));
    expect(server.closeDue).toBe(true);
    server.flushClose();
    expect(toHex(concat(server.dataToSend()))).toBe('8800');
    expect(server.closeDue).toBe(false);
  });

  it('the peer ends the transport after its close before we replied: the reply still goes, clean', () => {
    const server = new Connection({ role: 'server', clock: new FakeClock().read, autoFlushClose: false });
    server.events();
    server.receiveData(clientFrame(Opcode.Close, Uint8Array.of(3, 233)));
    server.receiveEof();
    expect(toHex(concat(server.dataToSend()))).toBe('880203e9');
    expect(server.shouldCloseTransport).toBe(true);
    expect(server.events().at(-1)).toEqual({ type: 'close', code: 1001, reason: '', wasClean: true });
  });

  it('a close requested while failing sends the failure code, not the requested one', () => {
    const server = new Connection({ role: 'server', clock: new FakeClock().read, autoFlushClose: false });
    server.events();
    server.receiveData(clientFrame(0x3));
    server.sendClose(1000);
    const bytes = concat(server.dataToSend());
    expect(toHex(bytes.subarray(0, 4))).toBe(`88${bytes[1]!.toString(16)}03ea`);
    expect(server.events().map((event) => event.type)).toEqual(['error', 'close']);
  });
});

import { Opcode } from '@wskit/codec';
import { Connection, type ConnectionEvent } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { clientFrame, concat, FakeClock, Pipe, serverFrame, toHex } from './helpers.js';

const closeEvents = (events: ConnectionEvent[]) => events.filter((event) => event.type === 'close');

describe('close handshake', () => {
  it('client initiates: both report the code, the server ends the transport first', () => {
    const pipe = new Pipe();
    pipe.flush();
    pipe.client.connection.sendClose(1000, 'bye');
    expect(pipe.client.connection.state).toBe('CLOSING');
    expect(pipe.client.connection.nextDeadline()).toBe(pipe.clock.now + 10_000);
    // Deliver the client's close only: the server replies and ends at once.
    const server = pipe.server.connection;
    server.receiveData(concat(pipe.client.connection.dataToSend()));
    // The peer's close is announced in wire order; the reply is due, not yet written.
    expect(server.state).toBe('CLOSE_RECEIVED');
    expect(server.closeDue).toBe(true);
    expect(server.events()).toEqual([{ type: 'closeReceived', code: 1000, reason: 'bye' }]);
    const reply = concat(server.dataToSend());
    expect(toHex(reply)).toBe('880203e8'); // echoes the code only (RFC 6455 §5.5.1)
    expect(server.state).toBe('CLOSED');
    expect(server.events()).toEqual([{ type: 'close', code: 1000, reason: 'bye', wasClean: true }]);
    expect(server.shouldCloseTransport).toBe(true);
    // The client completes the handshake but waits for the server's TCP close (RFC 6455 §7.1.1).
    const client = pipe.client.connection;
    client.receiveData(reply);
    expect(client.state).toBe('CLOSED');
    expect(client.events()).toEqual([{ type: 'close', code: 1000, reason: '', wasClean: true }]);
    expect(client.closeDue).toBe(false);
    expect(client.shouldCloseTransport).toBe(false);
    expect(client.nextDeadline()).toBe(pipe.clock.now + 10_000);
    client.receiveEof();
    expect(client.shouldCloseTransport).toBe(true);
    expect(client.nextDeadline()).toBeUndefined();
    expect(client.events()).toEqual([]);
  });

  it('server initiates: the server ends once the client answers, the client after the EOF', () => {
    const pipe = new Pipe();
    pipe.flush();
    pipe.server.connection.sendClose(4000, 'app says bye');
    const { client, server } = pipe.flush();
    expect(closeEvents(client)).toEqual([
      { type: 'close', code: 4000, reason: 'app says bye', wasClean: true },
    ]);
    expect(closeEvents(server)).toEqual([{ type: 'close', code: 4000, reason: '', wasClean: true }]);
    expect(pipe.server.ended).toBe(true);
    expect(pipe.client.ended).toBe(true);
    expect(pipe.client.connection.state).toBe('CLOSED');
    expect(pipe.server.connection.closeSent).toEqual({ code: 4000, reason: 'app says bye' });
    expect(pipe.server.connection.closeReceived).toEqual({ code: 4000, reason: '' });
  });

  it('simultaneous close: each side sends one close frame and reports the other one', () => {
    const pipe = new Pipe();
    pipe.flush();
    pipe.client.connection.sendClose(1001, 'client going');
    pipe.server.connection.sendClose(1000, 'server done');
    const clientBytes = concat(pipe.client.connection.dataToSend());
    const serverBytes = concat(pipe.server.connection.dataToSend());
    pipe.server.connection.receiveData(clientBytes);
    pipe.client.connection.receiveData(serverBytes);
    expect(pipe.server.connection.dataToSend()).toEqual([]); // no second close frame
    expect(pipe.client.connection.dataToSend()).toEqual([]);
    expect(closeEvents(pipe.server.connection.events())).toEqual([
      { type: 'close', code: 1001, reason: 'client going', wasClean: true },
    ]);
    expect(closeEvents(pipe.client.connection.events())).toEqual([
      { type: 'close', code: 1000, reason: 'server done', wasClean: true },
    ]);
    expect(pipe.server.connection.shouldCloseTransport).toBe(true);
    expect(pipe.client.connection.shouldCloseTransport).toBe(false);
  });

  it('an empty close payload is reported as 1005 and answered with an empty payload', () => {
    const clock = new FakeClock();
    const server = new Connection({ role: 'server', clock: clock.read });
    server.receiveData(clientFrame(Opcode.Close));
    expect(server.events()).toContainEqual({ type: 'closeReceived', code: 1005, reason: '' });
    expect(toHex(concat(server.dataToSend()))).toBe('8800');
    expect(closeEvents(server.events())).toEqual([{ type: 'close', code: 1005, reason: '', wasClean: true }]);
    const client = new Connection({ role: 'client', clock: clock.read });
    client.sendClose();
    expect(client.closeSent).toEqual({ code: undefined, reason: '' });
  });

  it('close during a fragmented message: the partial message is dropped, the close is clean', () => {
    const pipe = new Pipe();
    pipe.flush();
    const client = pipe.client.connection;
    client.startMessage('text', 'part one, ');
    client.continueMessage('part two');
    client.sendClose(1000);
    expect(() => client.endMessage('!')).toThrow('cannot end a message in state CLOSING');
    const { client: clientEvents, server } = pipe.flush();
    expect(server).toEqual([
      { type: 'closeReceived', code: 1000, reason: '' },
      { type: 'close', code: 1000, reason: '', wasClean: true },
    ]);
    expect(clientEvents).toEqual([{ type: 'close', code: 1000, reason: '', wasClean: true }]);
  });

  it('the peer closes while we stream a fragmented message: the fragment sequence ends', () => {
    const pipe = new Pipe();
    pipe.flush();
    pipe.client.connection.startMessage('binary', Uint8Array.of(1));
    pipe.server.connection.sendClose(1001);
    pipe.flush();
    expect(pipe.client.connection.state).toBe('CLOSED');
    expect(() => pipe.client.connection.continueMessage(Uint8Array.of(2))).toThrow(
      'cannot continue a message in state CLOSED',
    );
  });

  it('messages still arrive while CLOSING, until the peer answers', () => {
    const clock = new FakeClock();
    const client = new Connection({ role: 'client', clock: clock.read });
    client.sendClose(1000);
    client.receiveData(
      concat([serverFrame(Opcode.Text, 'late'), serverFrame(Opcode.Close, Uint8Array.of(3, 232))]),
    );
    expect(client.events()).toEqual([
      { type: 'open' },
      { type: 'message', messageType: 'text', data: 'late' },
      { type: 'close', code: 1000, reason: '', wasClean: true },
    ]);
  });

  it('frames after the peer close are ignored', () => {
    const clock = new FakeClock();
    const server = new Connection({ role: 'server', clock: clock.read });
    server.events();
    server.receiveData(
      concat([clientFrame(Opcode.Close, Uint8Array.of(3, 232)), clientFrame(Opcode.Text, 'x')]),
    );
    server.receiveData(clientFrame(Opcode.Text, 'y'));
    expect(server.events()).toEqual([{ type: 'closeReceived', code: 1000, reason: '' }]);
    expect(toHex(concat(server.dataToSend()))).toBe('880203e8');
    expect(server.events()).toEqual([{ type: 'close', code: 1000, reason: '', wasClean: true }]);
  });
});

describe('abnormal closure', () => {
  it('EOF without a close frame is reported as 1006, not clean, with an error event', () => {
    const clock = new FakeClock();
    const client = new Connection({ role: 'client', clock: clock.read });
    client.events();
    client.receiveData(Uint8Array.of(0x81, 0x05, 0x48)); // a frame cut short
    client.receiveEof();
    const events = client.events();
    expect(events.map((event) => event.type)).toEqual(['error', 'close']);
    expect(events[0]).toMatchObject({ error: { code: 'WS_ERR_UNEXPECTED_EOF', closeCode: 1006 } });
    expect(events[1]).toEqual({ type: 'close', code: 1006, reason: '', wasClean: false });
    expect(client.state).toBe('CLOSED');
    expect(client.shouldCloseTransport).toBe(true);
    expect(client.dataToSend()).toEqual([]); // no close frame into a dead transport
  });

  it('EOF while CLOSING (the peer never answered) is 1006', () => {
    const clock = new FakeClock();
    const server = new Connection({ role: 'server', clock: clock.read });
    server.sendClose(1000);
    server.receiveEof();
    expect(closeEvents(server.events())).toEqual([
      { type: 'close', code: 1006, reason: '', wasClean: false },
    ]);
  });

  it('the close timeout deadline aborts with 1006', () => {
    const clock = new FakeClock();
    const client = new Connection({ role: 'client', clock: clock.read, closeTimeout: 500 });
    client.events();
    expect(client.nextDeadline()).toBeUndefined();
    client.sendClose(1000);
    const deadline = client.nextDeadline()!;
    expect(deadline).toBe(clock.now + 500);
    clock.advance(499);
    client.onDeadline();
    expect(client.state).toBe('CLOSING');
    expect(client.events()).toEqual([]);
    clock.advance(1);
    client.onDeadline();
    expect(client.state).toBe('CLOSED');
    const events = client.events();
    expect(events[0]).toMatchObject({ type: 'error', error: { code: 'WS_ERR_CLOSE_TIMEOUT' } });
    expect(events[1]).toEqual({ type: 'close', code: 1006, reason: '', wasClean: false });
    expect(client.shouldCloseTransport).toBe(true);
    expect(client.nextDeadline()).toBeUndefined();
  });

  it('a client that waited closeTimeout for the server to close the transport closes it itself', () => {
    const clock = new FakeClock();
    const client = new Connection({ role: 'client', clock: clock.read, closeTimeout: 300 });
    client.receiveData(serverFrame(Opcode.Close, Uint8Array.of(3, 232)));
    client.dataToSend(); // the reply
    expect(client.state).toBe('CLOSED');
    expect(client.shouldCloseTransport).toBe(false);
    expect(client.nextDeadline()).toBe(clock.now + 300);
    client.onDeadline(clock.now + 300);
    expect(client.shouldCloseTransport).toBe(true);
    expect(client.nextDeadline()).toBeUndefined();
  });

  it('fail() sends the code, ends the transport at once and reports a close that is not clean', () => {
    const clock = new FakeClock();
    const server = new Connection({ role: 'server', clock: clock.read });
    server.events();
    server.fail(1008, 'policy');
    expect(toHex(concat(server.dataToSend()))).toBe('880803f0706f6c696379');
    expect(server.shouldCloseTransport).toBe(true);
    expect(server.events()).toEqual([{ type: 'close', code: 1008, reason: 'policy', wasClean: false }]);
  });

  it('fail() while CLOSING sends no second close frame', () => {
    const clock = new FakeClock();
    const server = new Connection({ role: 'server', clock: clock.read });
    server.sendClose(1000);
    server.dataToSend();
    server.fail(1011);
    expect(server.dataToSend()).toEqual([]);
    expect(server.shouldCloseTransport).toBe(true);
  });
});

import { Opcode } from '@wskit/codec';
import { Connection } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { concat, FakeClock, fixedMaskKeys, Pipe, serverFrame, toHex } from './helpers.js';

describe('keepalive deadlines', () => {
  it('is off by default: no deadline while OPEN', () => {
    const clock = new FakeClock();
    const connection = new Connection({ role: 'server', clock: clock.read });
    expect(connection.nextDeadline()).toBeUndefined();
    clock.advance(1e9);
    connection.onDeadline();
    expect(connection.dataToSend()).toEqual([]);
  });

  it('sends a ping after keepaliveInterval without input, and the pong clears the pong timeout', () => {
    const clock = new FakeClock();
    const server = new Connection({
      role: 'server',
      clock: clock.read,
      keepaliveInterval: 1000,
      pongTimeout: 200,
    });
    expect(server.nextDeadline()).toBe(clock.now + 1000);
    clock.advance(600);
    server.receiveData(Uint8Array.of(0x81)); // any bytes count as activity, even half a header
    expect(server.nextDeadline()).toBe(clock.now + 1000);
    clock.advance(999);
    server.onDeadline();
    expect(server.dataToSend()).toEqual([]);
    clock.advance(1);
    server.onDeadline();
    expect(toHex(concat(server.dataToSend()))).toBe('890400000001'); // ping with a 4-byte counter
    expect(server.nextDeadline()).toBe(clock.now + 200);
    clock.advance(100);
    // The rest of a text frame, then the pong (masked with a zero key).
    server.receiveData(Uint8Array.of(0x80, 0, 0, 0, 0, 0x8a, 0x84, 0, 0, 0, 0, 0, 0, 0, 1));
    expect(server.nextDeadline()).toBe(clock.now + 1000);
    expect(server.events().map((event) => event.type)).toEqual(['open', 'message', 'pong']);
    expect(server.state).toBe('OPEN');
  });

  it('fails with 1011 when the keepalive ping is not answered within pongTimeout', () => {
    const clock = new FakeClock();
    const client = new Connection({
      role: 'client',
      clock: clock.read,
      keepaliveInterval: 1000,
      pongTimeout: 200,
    });
    client.events();
    clock.advance(1000);
    client.onDeadline();
    expect(client.dataToSend()).toHaveLength(1);
    clock.advance(199);
    client.onDeadline();
    expect(client.state).toBe('OPEN');
    clock.advance(1);
    expect(client.nextDeadline()).toBe(clock.now);
    client.onDeadline();
    expect(client.state).toBe('CLOSED');
    expect(client.shouldCloseTransport).toBe(true);
    const close = concat(client.dataToSend());
    expect(close[0]).toBe(0x88);
    const events = client.events();
    expect(events[0]).toMatchObject({
      type: 'error',
      error: { code: 'WS_ERR_PONG_TIMEOUT', closeCode: 1011 },
    });
    expect(events[1]).toEqual({
      type: 'close',
      code: 1011,
      reason: 'keepalive ping timeout',
      wasClean: false,
    });
  });

  it('onDeadline accepts an explicit time', () => {
    const clock = new FakeClock();
    const client = new Connection({ role: 'client', clock: clock.read, keepaliveInterval: 50 });
    client.onDeadline(clock.now + 50);
    expect(client.dataToSend()).toHaveLength(1);
    expect(client.nextDeadline()).toBe(clock.now + 50 + 20_000);
  });

  it('two engines keep each other alive through the pipe', () => {
    const pipe = new Pipe({ client: { keepaliveInterval: 100 }, server: { keepaliveInterval: 100 } });
    for (let i = 0; i < 5; i++) {
      pipe.clock.advance(100);
      pipe.client.connection.onDeadline();
      pipe.server.connection.onDeadline();
      pipe.flush();
    }
    expect(pipe.client.connection.state).toBe('OPEN');
    expect(pipe.server.connection.state).toBe('OPEN');
    expect(pipe.server.events.some((event) => event.type === 'ping')).toBe(true);
  });

  it('no keepalive ping once CLOSING: only the close timeout is due', () => {
    const clock = new FakeClock();
    const client = new Connection({
      role: 'client',
      clock: clock.read,
      keepaliveInterval: 10,
      closeTimeout: 1000,
      maskKeys: fixedMaskKeys(0), // a zero key: payload bytes stay as they are, none looks like 0x89
    });
    client.sendClose(1000);
    expect(client.nextDeadline()).toBe(clock.now + 1000);
    client.receiveData(serverFrame(Opcode.Ping, 'still there?'));
    clock.advance(10);
    client.onDeadline();
    const frames = concat(client.dataToSend());
    expect(frames[0]).toBe(0x88); // the close, then the auto-pong; no keepalive ping
    expect(frames.filter((byte) => byte === 0x89)).toHaveLength(0);
  });
});

describe('keepalive: any bytes answer, unsolicited pongs, changing timeouts', () => {
  it('any bytes from the peer answer the keepalive ping (its pong may sit behind them)', () => {
    const clock = new FakeClock();
    const server = new Connection({
      role: 'server',
      clock: clock.read,
      keepaliveInterval: 1000,
      pongTimeout: 200,
    });
    clock.advance(1000);
    server.onDeadline();
    expect(server.dataToSend()).toHaveLength(1);
    expect(server.nextDeadline()).toBe(clock.now + 200);
    clock.advance(150);
    server.receiveData(Uint8Array.of(0x81)); // half a header: no pong, but the peer is alive
    expect(server.nextDeadline()).toBe(clock.now + 1000);
    clock.advance(1000);
    server.onDeadline();
    expect(server.state).toBe('OPEN');
  });

  it("keepalive 'pong' sends an unsolicited pong after the interval with nothing sent or received, and expects no answer", () => {
    const clock = new FakeClock();
    const client = new Connection({
      role: 'client',
      clock: clock.read,
      keepaliveInterval: 1000,
      pongTimeout: 10,
      keepalive: 'pong',
      maskKeys: fixedMaskKeys(0),
    });
    client.events();
    clock.advance(600);
    client.sendText('hi');
    expect(client.dataToSend()).toHaveLength(1); // sending counts as activity in this mode
    expect(client.nextDeadline()).toBe(clock.now + 1000);
    clock.advance(1000);
    client.onDeadline();
    expect(toHex(concat(client.dataToSend()))).toBe('8a8000000000'); // a masked empty pong
    clock.advance(500); // well past any pong timeout: nothing is expected back
    client.onDeadline();
    expect(client.state).toBe('OPEN');
    expect(client.nextDeadline()).toBe(clock.now + 500);
  });

  it('rejects an unknown keepalive kind', () => {
    const clock = new FakeClock();
    // @ts-expect-error: not a keepalive kind
    expect(() => new Connection({ role: 'client', clock: clock.read, keepalive: 'nop' })).toThrow(TypeError);
  });

  it('setTimeouts: a running close timeout restarts from now; the keepalive starts and stops', () => {
    const clock = new FakeClock();
    const client = new Connection({ role: 'client', clock: clock.read, closeTimeout: 1000 });
    expect(client.nextDeadline()).toBeUndefined();
    client.setTimeouts({ keepaliveInterval: 300 });
    expect(client.nextDeadline()).toBe(clock.now + 300);
    client.setTimeouts({ keepaliveInterval: 0 });
    expect(client.nextDeadline()).toBeUndefined();
    client.sendClose(1000);
    expect(client.nextDeadline()).toBe(clock.now + 1000);
    clock.advance(900);
    client.setTimeouts({ closeTimeout: 400 });
    expect(client.nextDeadline()).toBe(clock.now + 400);
    expect(() => client.setTimeouts({ pongTimeout: -1 })).toThrow(RangeError);
  });
});

describe('auto-pong', () => {
  it('answers a ping in the middle of a fragmented message, and the application still sees it', () => {
    const clock = new FakeClock();
    const client = new Connection({ role: 'client', clock: clock.read });
    client.events();
    client.receiveData(
      concat([
        serverFrame(Opcode.Text, 'Hel', false),
        serverFrame(Opcode.Ping, 'are you there'),
        serverFrame(Opcode.Continuation, 'lo'),
      ]),
    );
    const pong = concat(client.dataToSend());
    expect(pong[0]).toBe(0x8a);
    expect(pong[1]).toBe(0x80 | 13);
    const key = pong.subarray(2, 6);
    const payload = pong.subarray(6).map((byte, i) => byte ^ key[i % 4]!);
    expect(new TextDecoder().decode(payload)).toBe('are you there');
    expect(client.events()).toEqual([
      { type: 'ping', data: new TextEncoder().encode('are you there') },
      { type: 'message', messageType: 'text', data: 'Hello' },
    ]);
  });

  it('with autoPong off, only the event is reported', () => {
    const clock = new FakeClock();
    const client = new Connection({ role: 'client', clock: clock.read, autoPong: false });
    client.receiveData(serverFrame(Opcode.Ping, 'x'));
    expect(client.dataToSend()).toEqual([]);
    expect(client.events().at(-1)).toEqual({ type: 'ping', data: Uint8Array.of(0x78) });
    client.sendPong(Uint8Array.of(0x78));
    expect(toHex(concat(client.dataToSend())).slice(0, 4)).toBe('8a81');
  });

  it('answers pings while CLOSING, not after CLOSED', () => {
    const clock = new FakeClock();
    const server = new Connection({ role: 'server', clock: clock.read });
    server.sendClose(1000);
    server.dataToSend();
    server.receiveData(Uint8Array.of(0x89, 0x81, 0, 0, 0, 0, 0x41));
    expect(toHex(concat(server.dataToSend()))).toBe('8a0141');
  });
});

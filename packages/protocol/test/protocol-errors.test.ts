import { Opcode } from '@wskit/codec';
import { Connection, ConnectionError, type ConnectionEvent } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { clientFrame, concat, FakeClock, fromHex, serverFrame } from './helpers.js';

function server(options: { maxMessageSize?: number; maxFrameSize?: number } = {}) {
  const clock = new FakeClock();
  const connection = new Connection({ role: 'server', clock: clock.read, ...options });
  connection.events();
  return connection;
}

/** The close code and reason of the close frame in `bytes` (an unmasked server frame). */
function wireClose(bytes: Uint8Array): { code: number; reason: string } {
  expect(bytes[0]).toBe(0x88);
  const length = bytes[1]! & 0x7f;
  const payload = bytes.subarray(2, 2 + length);
  return { code: (payload[0]! << 8) | payload[1]!, reason: new TextDecoder().decode(payload.subarray(2)) };
}

function expectFailure(events: ConnectionEvent[], code: number, errorCode: string) {
  expect(events.map((event) => event.type)).toEqual(['error', 'close']);
  const [error, close] = events as [
    Extract<ConnectionEvent, { type: 'error' }>,
    Extract<ConnectionEvent, { type: 'close' }>,
  ];
  expect(error.error.code).toBe(errorCode);
  expect(error.error.closeCode).toBe(code);
  expect(close.code).toBe(code);
  expect(close.wasClean).toBe(false);
}

describe('protocol errors from the peer', () => {
  it.each([
    ['a reserved opcode', clientFrame(0x3, 'x'), 1002, 'WS_ERR_INVALID_OPCODE'],
    ['an unmasked frame', serverFrame(Opcode.Text, 'x'), 1002, 'WS_ERR_EXPECTED_MASK'],
    ['an unexpected RSV1', clientFrame(Opcode.Text, 'x', true, 0x40), 1002, 'WS_ERR_UNEXPECTED_RSV_1'],
    ['a stray continuation', clientFrame(Opcode.Continuation, 'x'), 1002, 'WS_ERR_UNEXPECTED_CONTINUATION'],
    ['invalid UTF-8', clientFrame(Opcode.Text, Uint8Array.of(0xc3, 0x28)), 1007, 'WS_ERR_INVALID_UTF8'],
    [
      'a close code that may not be sent',
      clientFrame(Opcode.Close, Uint8Array.of(3, 237)),
      1002,
      'WS_ERR_INVALID_CLOSE_CODE',
    ],
    [
      'a one-byte close payload',
      clientFrame(Opcode.Close, Uint8Array.of(3)),
      1002,
      'WS_ERR_INVALID_CLOSE_PAYLOAD',
    ],
  ])('%s: close %i on the wire and in the event, never an exception', (_name, bytes, code, errorCode) => {
    const connection = server();
    expect(() => connection.receiveData(bytes)).not.toThrow();
    const wire = wireClose(concat(connection.dataToSend()));
    expect(wire.code).toBe(code);
    expect(wire.reason.length).toBeGreaterThan(0);
    expectFailure(connection.events(), code, errorCode);
    expect(connection.state).toBe('CLOSED');
    expect(connection.shouldCloseTransport).toBe(true);
    expect(connection.closeSent?.code).toBe(code);
    // Later input is ignored.
    connection.receiveData(clientFrame(Opcode.Text, 'ignored'));
    expect(connection.events()).toEqual([]);
  });

  it('a message over maxMessageSize fails with 1009', () => {
    const connection = server({ maxMessageSize: 4 });
    connection.receiveData(clientFrame(Opcode.Binary, Uint8Array.of(1, 2, 3, 4, 5)));
    expect(wireClose(concat(connection.dataToSend())).code).toBe(1009);
    expectFailure(connection.events(), 1009, 'WS_ERR_MESSAGE_TOO_LARGE');
  });

  it('a frame over maxFrameSize fails with 1009 as soon as its header arrives', () => {
    const connection = server({ maxFrameSize: 10 });
    connection.receiveData(fromHex('82ff00000000000f4240 00000000')); // 1 000 000 bytes declared, no payload
    expect(wireClose(concat(connection.dataToSend())).code).toBe(1009);
  });

  it('a client fails with 1002 on a masked frame from the server', () => {
    const clock = new FakeClock();
    const connection = new Connection({ role: 'client', clock: clock.read });
    connection.receiveData(clientFrame(Opcode.Text, 'x'));
    const bytes = concat(connection.dataToSend());
    // The client's close frame is masked: 0x88, mask bit and length 14+2.
    expect(bytes[0]).toBe(0x88);
    expect(bytes[1]! & 0x80).toBe(0x80);
    expect(connection.closeSent?.code).toBe(1002);
  });

  it('a protocol error in the middle of a chunk: events before it are delivered, none after', () => {
    const connection = server();
    connection.receiveData(
      concat([clientFrame(Opcode.Text, 'ok'), clientFrame(0x3), clientFrame(Opcode.Text, 'no')]),
    );
    const events = connection.events();
    expect(events[0]).toEqual({ type: 'message', messageType: 'text', data: 'ok' });
    expect(events.slice(1).map((event) => event.type)).toEqual(['error']);
    expect(connection.state).toBe('FAILING');
    expect(wireClose(concat(connection.dataToSend())).code).toBe(1002);
    expect(connection.events().map((event) => event.type)).toEqual(['close']);
  });

  it('a handler that throws fails the connection with 1011 and no details on the wire', () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const closes: unknown[] = [];
    const connection = new Connection({
      role: 'server',
      clock: clock.read,
      handler: {
        onMessage() {
          throw new Error('secret internal detail');
        },
        onError: (error) => errors.push(error),
        onClose: (code, reason, wasClean) => closes.push([code, reason, wasClean]),
      },
    });
    expect(() =>
      connection.receiveData(concat([clientFrame(Opcode.Text, 'boom'), clientFrame(Opcode.Text, 'after')])),
    ).not.toThrow();
    const wire = wireClose(concat(connection.dataToSend()));
    expect(wire).toEqual({ code: 1011, reason: 'Internal error' });
    expect(errors).toHaveLength(1);
    const error = errors[0] as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('WS_ERR_INTERNAL');
    expect((error.cause as Error).message).toBe('secret internal detail');
    expect(closes).toEqual([[1011, 'Internal error', false]]);
  });
});

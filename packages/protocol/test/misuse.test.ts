import { Connection, isProtocolUsageError, type ProtocolUsageError } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClock } from './helpers.js';

function open(role: 'client' | 'server' = 'server') {
  return new Connection({ role, clock: new FakeClock().read });
}

function usageError(action: () => void): ProtocolUsageError {
  try {
    action();
  } catch (error) {
    expect(isProtocolUsageError(error)).toBe(true);
    expect(error).toBeInstanceOf(TypeError);
    return error as ProtocolUsageError;
  }
  throw new Error('expected a ProtocolUsageError');
}

describe('misuse by the caller throws a clear local error and changes nothing', () => {
  it('sending after our close: "cannot send text in state CLOSING"', () => {
    const connection = open();
    connection.sendClose(1000);
    const before = connection.dataToSend();
    const error = usageError(() => connection.sendText('late'));
    expect(error.message).toBe('cannot send text in state CLOSING');
    expect(error.code).toBe('WS_ERR_INVALID_STATE');
    expect(() => connection.sendBinary(Uint8Array.of(1))).toThrow('cannot send binary in state CLOSING');
    expect(() => connection.startMessage('text')).toThrow('cannot start a message in state CLOSING');
    expect(() => connection.sendClose(1000)).toThrow('cannot close in state CLOSING');
    expect(connection.dataToSend()).toEqual([]);
    expect(before.length).toBe(1);
  });

  it('everything but receiving is refused once CLOSED', () => {
    const connection = open();
    connection.receiveEof();
    for (const action of [
      () => connection.sendText('x'),
      () => connection.sendPing(),
      () => connection.sendPong(),
      () => connection.sendClose(),
      () => connection.fail(1011),
    ]) {
      expect(usageError(action).message).toMatch(/in state CLOSED$/);
    }
    expect(() => connection.receiveData(Uint8Array.of(1))).toThrow('cannot receive data after end of stream');
    expect(() => connection.receiveEof()).toThrow('cannot receive end of stream after end of stream');
  });

  it('pings are still allowed while CLOSING', () => {
    const connection = open();
    connection.sendClose(1000);
    connection.sendPing(Uint8Array.of(1, 2));
    expect(connection.dataToSend()).toHaveLength(2);
  });

  it('bad close codes and reasons throw RangeError or TypeError from the codec rules', () => {
    const connection = open();
    expect(() => connection.sendClose(1005)).toThrow(RangeError);
    expect(() => connection.sendClose(1006)).toThrow(RangeError);
    expect(() => connection.sendClose(999)).toThrow(RangeError);
    expect(() => connection.sendClose(5000)).toThrow(RangeError);
    expect(() => connection.sendClose(1000.5)).toThrow(RangeError);
    expect(() => connection.sendClose(1000, 'é'.repeat(62))).toThrow(/124 bytes/);
    expect(() => connection.sendClose(undefined, 'reason without a code')).toThrow(TypeError);
    expect(() => connection.fail(1006)).toThrow(RangeError);
    expect(connection.state).toBe('OPEN');
    expect(connection.dataToSend()).toEqual([]);
    connection.sendClose(1000, 'x'.repeat(123)); // exactly the limit
    expect(connection.state).toBe('CLOSING');
  });

  it('control payloads over 125 bytes throw RangeError', () => {
    const connection = open();
    expect(() => connection.sendPing(new Uint8Array(126))).toThrow(RangeError);
    expect(() => connection.sendPong(new Uint8Array(126))).toThrow(/at most 125/);
    connection.sendPing(new Uint8Array(125));
    expect(connection.dataToSend()).toHaveLength(1);
  });

  it('fragments out of sequence throw WS_ERR_FRAGMENT_SEQUENCE', () => {
    const connection = open();
    const noMessage = usageError(() => connection.continueMessage('x'));
    expect(noMessage.code).toBe('WS_ERR_FRAGMENT_SEQUENCE');
    expect(noMessage.message).toBe(
      'cannot continue a message: no fragmented message is being sent (call startMessage() first)',
    );
    expect(() => connection.endMessage()).toThrow('cannot end a message: no fragmented message');
    connection.startMessage('binary', Uint8Array.of(1));
    const nested = usageError(() => connection.startMessage('text'));
    expect(nested.code).toBe('WS_ERR_FRAGMENT_SEQUENCE');
    expect(() => connection.sendText('interleaved')).toThrow(
      'cannot send text while a fragmented message is being sent: end it with endMessage() first',
    );
    expect(() => connection.continueMessage('a string in a binary message')).toThrow(TypeError);
    connection.sendPing(); // control frames may go between fragments
    connection.endMessage(Uint8Array.of(2));
    connection.sendText('now fine');
    expect(connection.dataToSend()).toHaveLength(4);
  });

  it('wrong argument types throw TypeError', () => {
    const connection = open();
    expect(() => connection.sendText(42 as unknown as string)).toThrow(TypeError);
    expect(() => connection.sendBinary('text' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => connection.receiveData([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => connection.startMessage('json' as 'text')).toThrow(TypeError);
    expect(() => connection.sendPing('x' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('bad options throw at construction', () => {
    const clock = new FakeClock().read;
    expect(() => new Connection({ role: 'server' } as never)).toThrow(/clock/);
    expect(() => new Connection({ role: 'peer' as 'server', clock })).toThrow(TypeError);
    expect(() => new Connection({ role: 'server', clock, closeTimeout: -1 })).toThrow(RangeError);
    expect(() => new Connection({ role: 'server', clock, keepaliveInterval: Number.NaN })).toThrow(
      RangeError,
    );
    expect(() => new Connection({ role: 'server', clock, maxMessageSize: -1 })).toThrow(RangeError);
    expect(() => new Connection({ role: 'server', clock, delivery: 'stream' as 'whole' })).toThrow(TypeError);
    const extension = { name: 'x', rsv: 0x40, decodeMessage: (message: never) => message };
    expect(
      () => new Connection({ role: 'server', clock, extensions: [extension, { ...extension, name: 'y' }] }),
    ).toThrow(/already claims/);
    expect(
      () => new Connection({ role: 'server', clock, extensions: [{ ...extension, rsv: 0x80 }] }),
    ).toThrow(RangeError);
  });

  it('receiveData is not reentrant from a handler', () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const connection: Connection = new Connection({
      role: 'client',
      clock: clock.read,
      handler: {
        onMessage: () => connection.receiveData(Uint8Array.of(0x81, 0)),
        onError: (error) => errors.push(error),
      },
    });
    connection.receiveData(Uint8Array.of(0x81, 0));
    // The nested call threw inside the handler: the connection failed with 1011 (WS_ERR_INTERNAL).
    expect(errors).toHaveLength(1);
    expect((errors[0] as { cause: Error }).cause.message).toMatch(/from inside a handler/);
  });
});

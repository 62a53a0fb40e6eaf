import * as protocol from '@wskit/protocol';
import { describe, expect, it } from 'vitest';

describe('@wskit/protocol public surface', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(protocol).sort()).toEqual([
      'Connection',
      'ConnectionError',
      'ConnectionErrorCodes',
      'ConnectionState',
      'DefaultMaxPendingPings',
      'DefaultTimeouts',
      'ProtocolUsageError',
      'connectionTransitions',
      'isConnectionError',
      'isProtocolUsageError',
    ]);
  });

  it('has the documented defaults and states', () => {
    expect(protocol.DefaultTimeouts).toEqual({
      closeTimeout: 10_000,
      keepaliveInterval: 0,
      pongTimeout: 20_000,
    });
    expect(Object.values(protocol.ConnectionState)).toEqual([
      'OPEN',
      'CLOSE_RECEIVED',
      'FAILING',
      'CLOSING',
      'CLOSED',
    ]);
    expect(protocol.ConnectionErrorCodes).toEqual({
      WS_ERR_CLOSE_TIMEOUT: 1006,
      WS_ERR_PONG_TIMEOUT: 1011,
      WS_ERR_UNEXPECTED_EOF: 1006,
      WS_ERR_EXTENSION: 1011,
      WS_ERR_INTERNAL: 1011,
      WS_ERR_PING_FLOOD: 1008,
    });
  });

  it('the transition table allows data until our close frame is written', () => {
    const table = protocol.connectionTransitions;
    expect(table.OPEN.sendData?.next).toBe('OPEN');
    expect(table.CLOSE_RECEIVED.sendData?.next).toBe('CLOSE_RECEIVED');
    expect(table.FAILING.sendData?.next).toBe('FAILING');
    expect(table.CLOSING.sendData).toBeUndefined();
    expect(table.CLOSED.sendData).toBeUndefined();
    expect(table.OPEN.receiveClose).toEqual({ next: 'CLOSE_RECEIVED', announce: 'closeReceived' });
    expect(table.CLOSE_RECEIVED.flushClose).toMatchObject({
      next: 'CLOSED',
      writeClose: 'reply',
      report: 'handshake',
    });
    expect(table.OPEN.receiveError).toEqual({ next: 'FAILING', announce: 'error' });
    expect(table.FAILING.flushClose).toMatchObject({ next: 'CLOSED', writeClose: 'fail', report: 'failure' });
    expect(table.CLOSING.closeTimeout).toMatchObject({
      next: 'CLOSED',
      transport: 'end',
      report: 'abnormal',
    });
  });

  it('the error guards work across copies', () => {
    const foreign = Object.assign(new TypeError('x'), {
      name: 'ProtocolUsageError',
      code: 'WS_ERR_INVALID_STATE',
    });
    expect(protocol.isProtocolUsageError(foreign)).toBe(true);
    const connectionError = Object.assign(new Error('x'), {
      name: 'ConnectionError',
      code: 'WS_ERR_INTERNAL',
      closeCode: 1011,
    });
    expect(protocol.isConnectionError(connectionError)).toBe(true);
    expect(protocol.isConnectionError(new Error('x'))).toBe(false);
    expect(protocol.isProtocolUsageError(new TypeError('x'))).toBe(false);
  });
});

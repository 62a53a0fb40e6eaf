/** The public surface of @wskit/bun: this list changes only on purpose (docs/contributing.md). */
import { describe, expect, it } from 'bun:test';
import * as bun from '@wskit/bun';
import { HandshakeFailedError, StandardWebSocket } from '@wskit/transport';

describe('public surface', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(bun).sort()).toEqual([
      'BunSocketTransport',
      'CloseEvent',
      'DefaultServerOptions',
      'ErrorEvent',
      'HandshakeFailedError',
      'MessageEvent',
      'StandardWebSocketError',
      'UnsupportedConnectOptions',
      'UnsupportedOptionError',
      'UnsupportedServerOptions',
      'WebSocket',
      'WebSocketError',
      'WebSocketServer',
      'WebSocketStream',
      'bunDialer',
      'connect',
      'isHandshakeFailedError',
      'isUnsupportedOptionError',
      'isWebSocketError',
      'serve',
    ]);
  });

  it('shares the classes of @wskit/transport', () => {
    expect(bun.HandshakeFailedError).toBe(HandshakeFailedError);
    expect(Object.getPrototypeOf(bun.WebSocket)).toBe(StandardWebSocket);
    expect(Object.keys(bun.BunSocketTransport.handlers).sort()).toEqual([
      'binaryType',
      'close',
      'data',
      'drain',
      'end',
      'error',
    ]);
    expect(bun.DefaultServerOptions).toEqual({
      hostname: '0.0.0.0',
      port: 0,
      maxConnections: Infinity,
      handshakeTimeout: 10_000,
      keepaliveInterval: 30_000,
      closeCode: 1001,
    });
    expect(Object.isFrozen(bun.DefaultServerOptions)).toBe(true);
  });
});

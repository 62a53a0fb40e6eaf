/** The public surface of @wskit/cloudflare: this list changes only on purpose (docs/contributing.md). */
import * as cloudflare from '@wskit/cloudflare';
import { type Dialer, HandshakeFailedError, StandardWebSocket, type Transport } from '@wskit/transport';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('public surface', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(cloudflare).sort()).toEqual([
      'CloseEvent',
      'CloudflareSocketTransport',
      'ErrorEvent',
      'HandshakeFailedError',
      'MessageEvent',
      'StandardWebSocketError',
      'UnsupportedConnectOptions',
      'UnsupportedOptionError',
      'WebSocket',
      'WebSocketError',
      'WebSocketStream',
      'bridgeWebSocket',
      'cloudflareDialer',
      'connect',
      'isHandshakeFailedError',
      'isUnsupportedOptionError',
      'isWebSocketError',
    ]);
  });

  it('shares the classes and types of @wskit/transport', () => {
    expect(cloudflare.HandshakeFailedError).toBe(HandshakeFailedError);
    expect(Object.getPrototypeOf(cloudflare.WebSocket)).toBe(StandardWebSocket);
    expectTypeOf(cloudflare.cloudflareDialer).toEqualTypeOf<Dialer>();
    expectTypeOf<cloudflare.CloudflareSocketTransport>().toMatchTypeOf<Transport>();
    expectTypeOf<cloudflare.ConnectOptions['tls']>().toEqualTypeOf<
      cloudflare.CloudflareTlsOptions | undefined
    >();
  });
});

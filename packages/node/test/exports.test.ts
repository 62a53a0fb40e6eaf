import type { IncomingMessage } from 'node:http';
import type { ClientHttp2Session, Http2ServerRequest } from 'node:http2';
import type {
  ClientHandshakeOptions,
  ConnectOptions,
  HandshakeFailedErrorCode,
  HandshakeFailedErrorInit,
  NodeErrorCode,
  NodeSocketTransportOptions,
  PerMessageDeflateOption,
  PerMessageDeflateOptions,
  UpgradeHooks,
  UpgradeRejection,
  VerifyInfo,
  VerifyResult,
  WebSocketErrorCode,
  WebSocketOptions,
  WebSocketServerEvents,
  WebSocketServerOptions,
  WebSocketServerRequest,
  WebSocketSession,
} from '@wskit/node';
import * as node from '@wskit/node';
import type { PerMessageDeflateOptions as DeflatePackageOptions } from '@wskit/permessage-deflate';
import type { Dialer, SessionOptions, Transport, WebSocket as TransportWebSocket } from '@wskit/transport';
import { HandshakeFailedError as SharedHandshakeFailedError, StandardWebSocket } from '@wskit/transport';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('public surface', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(node).sort()).toEqual([
      'CloseEvent',
      'DefaultClientOptions',
      'DefaultServerOptions',
      'EncodedText',
      'ErrorEvent',
      'HandshakeFailedError',
      'Http2StreamTransport',
      'MessageEvent',
      'NodeErrorCodes',
      'NodeSocketTransport',
      'StandardWebSocketError',
      'WebSocket',
      'WebSocketError',
      'WebSocketServer',
      'WebSocketStream',
      'connect',
      'createServer',
      'createWebSocketStream',
      'isHandshakeFailedError',
      'isWebSocketError',
      'nodeDialer',
    ]);
  });

  it('exports these types', () => {
    expectTypeOf<WebSocketSession>().toEqualTypeOf<TransportWebSocket>();
    expectTypeOf<ReturnType<typeof node.connect>>().toEqualTypeOf<Promise<TransportWebSocket>>();
    expectTypeOf<ConnectOptions>().toMatchTypeOf<ClientHandshakeOptions & SessionOptions>();
    expectTypeOf<WebSocketServerOptions>().toMatchTypeOf<UpgradeHooks & SessionOptions>();
    expectTypeOf<WebSocketOptions>().not.toHaveProperty('protocols');
    expectTypeOf<node.NodeSocketTransport>().toMatchTypeOf<Transport>();
    expectTypeOf<NodeSocketTransportOptions>().toEqualTypeOf<{ readonly noDelay?: boolean }>();
    expectTypeOf<node.Http2StreamTransport>().toMatchTypeOf<Transport>();
    expectTypeOf<ConnectOptions['http2']>().toEqualTypeOf<boolean | ClientHttp2Session | undefined>();
    expectTypeOf<WebSocketServerRequest>().toEqualTypeOf<IncomingMessage | Http2ServerRequest>();
    expectTypeOf<NodeErrorCode>().toEqualTypeOf<keyof typeof node.NodeErrorCodes>();
    expectTypeOf<'WS_NODE_ERR_PROXY_NEEDS_UNDICI'>().toMatchTypeOf<HandshakeFailedErrorCode>();
    expectTypeOf<'WS_ERR_UPGRADE_PROXY'>().toMatchTypeOf<HandshakeFailedErrorCode>();
    expectTypeOf<'WS_HANDSHAKE_ERR_INVALID_ACCEPT'>().toMatchTypeOf<HandshakeFailedErrorCode>();
    expectTypeOf<HandshakeFailedErrorInit['code']>().toEqualTypeOf<HandshakeFailedErrorCode>();
    expectTypeOf<VerifyResult>().toEqualTypeOf<boolean | UpgradeRejection>();
    expectTypeOf<VerifyInfo['protocol']>().toEqualTypeOf<string | null>();
    expectTypeOf<WebSocketServerEvents['connection']>().toMatchTypeOf<[TransportWebSocket, unknown]>();
    expectTypeOf<WebSocketErrorCode>().toMatchTypeOf<string>();
    expectTypeOf(node.nodeDialer).toEqualTypeOf<Dialer>();
    expectTypeOf<PerMessageDeflateOptions>().toEqualTypeOf<DeflatePackageOptions>();
    expectTypeOf<PerMessageDeflateOption>().toEqualTypeOf<boolean | DeflatePackageOptions>();
    expectTypeOf<ConnectOptions['perMessageDeflate']>().toEqualTypeOf<PerMessageDeflateOption | undefined>();
    expectTypeOf<WebSocketOptions['perMessageDeflate']>().toEqualTypeOf<
      PerMessageDeflateOption | undefined
    >();
    expectTypeOf<WebSocketServerOptions['perMessageDeflate']>().toEqualTypeOf<
      PerMessageDeflateOption | undefined
    >();
  });

  it('HandshakeFailedError is the class @wskit/transport shares with every adapter', () => {
    expect(node.HandshakeFailedError).toBe(SharedHandshakeFailedError);
  });

  it('WebSocket is the WHATWG class of @wskit/transport with a Node connector', () => {
    expect(Object.getPrototypeOf(node.WebSocket)).toBe(StandardWebSocket);
    expect(node.WebSocket.OPEN).toBe(1);
  });

  it('the error codes and defaults are frozen tables', () => {
    expect(Object.keys(node.NodeErrorCodes).sort()).toEqual([
      'WS_NODE_ERR_NO_EXTENDED_CONNECT',
      'WS_NODE_ERR_PROXY_NEEDS_UNDICI',
    ]);
    expect(node.DefaultClientOptions).toEqual({
      handshakeTimeout: 30_000,
      followRedirects: false,
      maxRedirects: 10,
      perMessageDeflate: true,
    });
    expect(Object.isFrozen(node.DefaultClientOptions)).toBe(true);
    expect(node.DefaultServerOptions).toEqual({
      host: undefined,
      maxConnections: Infinity,
      handshakeTimeout: 10_000,
      keepaliveInterval: 30_000,
      closeCode: 1001,
      perMessageDeflate: false,
    });
  });
});

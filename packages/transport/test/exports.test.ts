/**
 * The public surface of @wskit/transport and its subpaths: these lists change only on
 * purpose (docs/contributing.md).
 */
import * as transport from '@wskit/transport';
import * as proxyEnvironment from '@wskit/transport/proxy-environment';
import * as proxyTunnel from '@wskit/transport/proxy-tunnel';
import * as redirect from '@wskit/transport/redirect';
import * as testing from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';

describe('exports', () => {
  it('@wskit/transport exports exactly these names', () => {
    expect(Object.keys(transport).sort()).toEqual([
      'BodyCollector',
      'CloseEvent',
      'DEFAULT_HIGH_WATER_MARK',
      'DeadlineQueue',
      'DefaultRedirectOptions',
      'DefaultSessionOptions',
      'DefaultTopicOptions',
      'EncodedText',
      'ErrorEvent',
      'FrameScratch',
      'HandshakeFailedError',
      'HandshakeTransport',
      'InProcessBroker',
      'JOIN_LIMIT',
      'MAX_ERROR_BODY_SIZE',
      'MessageEvent',
      'ReadyState',
      'Session',
      'SessionPhase',
      'StandardWebSocket',
      'StandardWebSocketError',
      'TopicHub',
      'TypedEmitter',
      'UnsupportedOptionError',
      'UpgradeErrorCodes',
      'WebSocket',
      'WebSocketError',
      'WebSocketErrorCodes',
      'WebSocketStream',
      'acceptUpgrade',
      'beginHandshake',
      'checkHighWaterMark',
      'compareOffsets',
      'connectorFor',
      'createHandshakeTimeout',
      'decideUpgrade',
      'defaultEnvelope',
      'dialWebSocket',
      'dialedWith',
      'engineExtensions',
      'formatAddress',
      'isHandshakeFailedError',
      'isRedirectResponse',
      'isUnsupportedOptionError',
      'isWebSocketError',
      'joinSmallChunks',
      'jsonEnvelope',
      'negotiateUpgrade',
      'openWebSocket',
      'parseProxyUrl',
      'parseWebSocketUrl',
      'pickSessionOptions',
      'refuseUnsupportedOptions',
      'runtimeWebSocketClass',
      'runtimeWebSocketStreamClass',
      'sessionDeadlines',
      'sessionStep',
      'sessionTransitions',
      'upgradeClient',
      'withUrlCredentials',
    ]);
  });

  it('@wskit/transport/testing exports exactly these names', () => {
    expect(Object.keys(testing).sort()).toEqual([
      'clientOptionCases',
      'conformanceCases',
      'conformanceVerify',
      'createTransportPair',
      'createWebSocketPair',
      'inMemoryConformanceEnv',
      'inMemoryStandardEnv',
      'runClientOptionCases',
      'runConformance',
      'runConformanceCase',
      'runStandardCases',
      'serveConformance',
      'standardCases',
      'standardSelectProtocol',
    ]);
  });

  it('the parts of the dial path loaded on demand export exactly these names', () => {
    expect(Object.keys(redirect).sort()).toEqual(['followRedirect', 'planRedirect']);
    expect(Object.keys(proxyTunnel).sort()).toEqual(['ConnectResponseReader', 'formatConnectRequest']);
    expect(Object.keys(proxyEnvironment).sort()).toEqual(['proxyFromEnvironment']);
  });

  it('constants hold their values', () => {
    expect(transport.ReadyState).toEqual({ CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    expect(transport.DefaultSessionOptions).toEqual({
      highWaterMark: 65536,
      maxBufferedMessages: 16,
      maxBufferedBytes: 32 * 1024 * 1024,
      writeTimeout: 30_000,
    });
    expect(Object.keys(transport.WebSocketErrorCodes).sort()).toEqual([
      'WS_ERR_CLOSED_BEFORE_SENT',
      'WS_ERR_HANDSHAKE_TIMEOUT',
      'WS_ERR_NOT_OPEN',
      'WS_ERR_TRANSPORT',
      'WS_ERR_WRITE_TIMEOUT',
    ]);
  });

  it('recognises HandshakeFailedError across package copies, and lists the upgrade codes', () => {
    const error = new transport.HandshakeFailedError({
      code: 'WS_ERR_UPGRADE_CONNECTION_CLOSED',
      message: 'closed',
      url: 'ws://a/',
    });
    expect(transport.isHandshakeFailedError(error)).toBe(true);
    expect(error.body).toEqual(new Uint8Array(0));
    const copy = Object.assign(new Error('x'), { name: 'HandshakeFailedError', code: 'X', url: 'ws://a/' });
    expect(transport.isHandshakeFailedError(copy)).toBe(true);
    expect(transport.isHandshakeFailedError(new transport.WebSocketError('WS_ERR_NOT_OPEN'))).toBe(false);
    expect(Object.keys(transport.UpgradeErrorCodes)).toEqual([
      'WS_ERR_UPGRADE_CONNECTION_CLOSED',
      'WS_ERR_UPGRADE_INVALID_REDIRECT',
      'WS_ERR_UPGRADE_PROXY',
      'WS_ERR_UPGRADE_TOO_MANY_REDIRECTS',
    ]);
  });

  it("picks the session options out of an adapter's options", () => {
    expect(
      transport.pickSessionOptions({
        maxMessageSize: 5,
        closeTimeout: undefined,
        protocols: ['x'],
      } as transport.SessionOptions),
    ).toEqual({ maxMessageSize: 5 });
  });

  it('recognises WebSocketError across package copies', () => {
    const error = new transport.WebSocketError('WS_ERR_NOT_OPEN');
    expect(error.message).toBe('The WebSocket is not open');
    expect(transport.isWebSocketError(error)).toBe(true);
    const copy = Object.assign(new Error('x'), { name: 'WebSocketError', code: 'WS_ERR_NOT_OPEN' });
    expect(transport.isWebSocketError(copy)).toBe(true);
    expect(transport.isWebSocketError(new Error('x'))).toBe(false);
  });

  it('runConformance reports JSON-able results', async () => {
    const results = await testing.runConformance(testing.inMemoryConformanceEnv(), {
      filter: (name) => name.startsWith('close/'),
    });
    expect(results.length).toBeGreaterThan(3);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
    const failing = await testing.runConformance(testing.inMemoryConformanceEnv(), {
      cases: [
        {
          name: 'always fails',
          run: async () => {
            throw new Error('on purpose');
          },
        },
        { name: 'too slow', run: () => new Promise(() => {}) },
      ],
      timeout: 20,
    });
    expect(failing.map(({ name, ok }) => ({ name, ok }))).toEqual([
      { name: 'always fails', ok: false },
      { name: 'too slow', ok: false },
    ]);
    expect(failing[0]!.error).toContain('on purpose');
    expect(failing[1]!.error).toContain('did not finish within 20 ms');
  });
});

import type {
  ClientExtensionNegotiator,
  ClientHandshake,
  ClientHandshakeOptions,
  ClientHandshakeResult,
  Extension,
  ExtensionNegotiator,
  ExtensionParam,
  ExtensionParams,
  HandshakeErrorCode,
  HandshakeRequest,
  HandshakeResponse,
  HeaderInit,
  HeadKind,
  HeadLimits,
  HeadOf,
  HeadParseResult,
  Http2ClientHandshake,
  Http2ClientHandshakeOptions,
  Http2Headers,
  Http2HeadersInit,
  Http2ServerHandshakeResult,
  RandomSource,
  RejectionOptions,
  RequestHead,
  RequestHeadInit,
  ResponseHead,
  ResponseHeadInit,
  ServerExtensionNegotiator,
  ServerHandshakeOptions,
  ServerHandshakeResult,
} from '@wskit/handshake';
import * as handshake from '@wskit/handshake';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('public surface', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(handshake).sort()).toEqual([
      'DefaultHeadLimits',
      'HandshakeError',
      'HandshakeErrorCodes',
      'HeadParser',
      'HeaderList',
      'WEBSOCKET_GUID',
      'WEBSOCKET_VERSION',
      'acceptHttp2ServerHandshake',
      'acceptServerHandshake',
      'computeAccept',
      'createClientHandshake',
      'createHttp2ClientHandshake',
      'decodeBase64',
      'encodeBase64',
      'formatExtensions',
      'generateKey',
      'isHandshakeError',
      'isValidKey',
      'parseExtensions',
      'reasonPhrase',
      'rejectHandshake',
      'serializeRequest',
      'serializeResponse',
      'sha1',
    ]);
  });

  it('exports these types (the file does not compile if one goes away)', () => {
    type Types = [
      ClientExtensionNegotiator,
      ClientHandshake,
      ClientHandshakeOptions,
      ClientHandshakeResult,
      Extension,
      ExtensionNegotiator,
      ExtensionParam,
      ExtensionParams,
      HandshakeErrorCode,
      HandshakeRequest,
      HandshakeResponse,
      HeadKind,
      HeadLimits,
      HeadOf<'request'>,
      HeadParseResult<RequestHead>,
      HeaderInit,
      Http2ClientHandshake,
      Http2ClientHandshakeOptions,
      Http2Headers,
      Http2HeadersInit,
      Http2ServerHandshakeResult,
      RandomSource,
      RejectionOptions,
      RequestHead,
      RequestHeadInit,
      ResponseHead,
      ResponseHeadInit,
      ServerExtensionNegotiator,
      ServerHandshakeOptions,
      ServerHandshakeResult,
    ];
    expectTypeOf<Types['length']>().toEqualTypeOf<30>();
    expectTypeOf<HeadOf<'response'>>().toEqualTypeOf<ResponseHead>();
  });

  it('every error code is a WS_HANDSHAKE_ERR_ string with an HTTP error status', () => {
    for (const [code, status] of Object.entries(handshake.HandshakeErrorCodes)) {
      expect(code).toMatch(/^WS_HANDSHAKE_ERR_[A-Z0-9_]+$/);
      expect([400, 405, 414, 426, 431, 502, 505]).toContain(status);
    }
  });
});

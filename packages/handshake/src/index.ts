/**
 * @wskit/handshake: the WebSocket opening handshake, sans-I/O. An incremental HTTP/1.1 head parser,
 * the client and server sides of RFC 6455 §4, extension negotiation (§9.1) and WebSockets over
 * HTTP/2 (RFC 8441). Zero dependencies and no runtime APIs beyond the web-standard `TextEncoder` and
 * `crypto.getRandomValues` (replaceable by an injected random source).
 *
 * @packageDocumentation
 */
export { computeAccept, generateKey, isValidKey, type RandomSource } from './accept.js';
export { decodeBase64, encodeBase64 } from './base64.js';
export {
  type ClientHandshake,
  type ClientHandshakeOptions,
  type ClientHandshakeResult,
  createClientHandshake,
  type HandshakeRequest,
} from './client-handshake.js';
export { WEBSOCKET_GUID, WEBSOCKET_VERSION } from './constants.js';
export { HandshakeError, type HandshakeErrorCode, HandshakeErrorCodes, isHandshakeError } from './errors.js';
export type {
  ClientExtensionNegotiator,
  ExtensionNegotiator,
  ServerExtensionNegotiator,
} from './extension-negotiation.js';
export {
  type Extension,
  type ExtensionParam,
  type ExtensionParams,
  formatExtensions,
  parseExtensions,
} from './extensions.js';
export {
  DefaultHeadLimits,
  type HeadKind,
  type HeadLimits,
  type HeadOf,
  type HeadParseResult,
  HeadParser,
  type RequestHead,
  type ResponseHead,
} from './head-parser.js';
export { type HeaderInit, HeaderList } from './header-list.js';
export {
  acceptHttp2ServerHandshake,
  createHttp2ClientHandshake,
  type Http2ClientHandshake,
  type Http2ClientHandshakeOptions,
  type Http2Headers,
  type Http2HeadersInit,
  type Http2ServerHandshakeResult,
} from './http2-handshake.js';
export {
  type RequestHeadInit,
  type ResponseHeadInit,
  reasonPhrase,
  serializeRequest,
  serializeResponse,
} from './serialize.js';
export {
  acceptServerHandshake,
  type HandshakeResponse,
  type RejectionOptions,
  rejectHandshake,
  type ServerHandshakeResult,
} from './server-handshake.js';
export type { ServerHandshakeOptions } from './server-negotiation.js';
export { sha1 } from './sha1.js';

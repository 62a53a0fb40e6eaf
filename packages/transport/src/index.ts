/**
 * @wskit/transport: WebSocket sessions over any transport. The transport port that runtime adapters
 * implement, the session driver (timers, batched writes, end-to-end backpressure), the idiomatic
 * `WebSocket` API, a WHATWG-compatible `StandardWebSocket`, and `openWebSocket`, which every adapter
 * calls after its opening handshake; `WebSocketStream`, the WHATWG proposal's streams API, and the
 * WHATWG event classes (`CloseEvent`, `MessageEvent`, `ErrorEvent`). Test doubles and the
 * adapters' conformance suite are in `@wskit/transport/testing`. The runtime-agnostic upgrade over the port, which every adapter shares:
 * `Dialer`, `HandshakeTransport`, `upgradeClient`, `acceptUpgrade`, `dialWebSocket` and
 * `HandshakeFailedError`. Universal globals only (timers, `performance.now`, `queueMicrotask`,
 * `EventTarget`): the same code runs in Node, Bun and workerd.
 *
 * @packageDocumentation
 */
export {
  checkHighWaterMark,
  DEFAULT_HIGH_WATER_MARK,
  dialedWith,
  FrameScratch,
  formatAddress,
  JOIN_LIMIT,
  type JoinedRun,
  joinSmallChunks,
} from './adapter-helpers.js';
export {
  type Broker,
  type BrokerHandler,
  type BrokerHistory,
  type BrokerMessage,
  type BrokerNotice,
  compareOffsets,
  type DeliveryMode,
  InProcessBroker,
} from './broker.js';
export type { BinaryData } from './bytes.js';
/**
 * The shared deadline queue (one unref'd runtime timer for many deadlines): `sessionDeadlines` is
 * the one every session of the realm uses, which adapters may share for their own per-connection
 * deadlines (e.g. a server's handshake timeout) instead of a runtime timer per connection.
 */
export { type DeadlineEntry, DeadlineQueue, sessionDeadlines } from './deadlines.js';
export { type ClientExtension, type DialWebSocketOptions, dialWebSocket } from './dial-websocket.js';
export type { Dialer, DialTarget } from './dialer.js';
export { type EventMap, type Listener, TypedEmitter } from './emitter.js';
export { EncodedText } from './encoded-text.js';
export { type EngineExtensionFactory, engineExtensions } from './engine-extensions.js';
export {
  isWebSocketError,
  WebSocketError,
  type WebSocketErrorCode,
  WebSocketErrorCodes,
} from './errors.js';
export {
  HandshakeFailedError,
  type HandshakeFailedErrorCode,
  type HandshakeFailedErrorInit,
  isHandshakeFailedError,
  type UpgradeErrorCode,
  UpgradeErrorCodes,
} from './handshake-failed-error.js';
export { createHandshakeTimeout, type HandshakeTimeout } from './handshake-timeout.js';
export { beginHandshake, HandshakeTransport } from './handshake-transport.js';
export type { MessagePiece } from './inbox.js';
export type { MessageStream } from './message-stream.js';
export {
  DefaultSessionOptions,
  type OpenWebSocketOptions,
  pickSessionOptions,
  type SessionOptions,
} from './options.js';
export type { Transport, TransportHandler } from './port.js';
export type { ProxyEnvironment } from './proxy-environment.js';
export { type ProxyTarget, parseProxyUrl } from './proxy-url.js';
export { DefaultRedirectOptions, isRedirectResponse, withUrlCredentials } from './redirect.js';
export { BodyCollector, MAX_ERROR_BODY_SIZE } from './response-body.js';
export {
  type RuntimeClient,
  type RuntimeConnectOptions,
  type RuntimeWebSocketClass,
  type RuntimeWebSocketStreamClass,
  runtimeWebSocketClass,
  runtimeWebSocketStreamClass,
} from './runtime-classes.js';
export {
  type CloseInfo,
  Session,
  type SessionDriverOptions,
  type SessionHost,
  type SessionState,
} from './session.js';
export {
  type SessionInput,
  SessionPhase,
  type SessionStep,
  sessionStep,
  sessionTransitions,
} from './session-lifecycle.js';
export type { SharedEncoding } from './shared-encoding.js';
export {
  CloseEvent,
  ErrorEvent,
  MessageEvent,
  type StandardCloseEvent,
  type StandardCloseEventInit,
  type StandardErrorEvent,
  type StandardErrorEventInit,
  type StandardEventClass,
  type StandardEventInit,
  type StandardMessageEvent,
  type StandardMessageEventInit,
} from './standard-events.js';
export {
  type BinaryType,
  connectorFor,
  StandardWebSocket,
  type StandardWebSocketOptions,
  type WebSocketConnector,
} from './standard-websocket.js';
export { StandardWebSocketError, type WebSocketCloseInfo } from './standard-websocket-error.js';
export { defaultEnvelope, jsonEnvelope, type TopicEnvelope, type TopicEvent } from './topic-envelope.js';
export {
  type BackpressurePolicy,
  DefaultTopicOptions,
  type PublishOptions,
  type SubscribeOptions,
  TopicHub,
  type TopicHubEvents,
  type TopicHubOptions,
  type TopicMember,
  type TopicSocket,
} from './topics.js';
export {
  isUnsupportedOptionError,
  refuseUnsupportedOptions,
  UnsupportedOptionError,
  type UnsupportedOptions,
} from './unsupported-option.js';
export { type ClientUpgrade, type UpgradeClientOptions, upgradeClient } from './upgrade-client.js';
export {
  type AcceptedUpgrade,
  type AcceptUpgradeOptions,
  acceptUpgrade,
  decideUpgrade,
  negotiateUpgrade,
  type RefusedUpgrade,
  type UpgradeDecision,
  type UpgradeHooks,
  type UpgradeRejection,
  type VerifyInfo,
  type VerifyResult,
} from './upgrade-server.js';
export { openWebSocket, ReadyState, WebSocket, type WebSocketEvents } from './websocket.js';
export {
  type WebSocketOpenInfo,
  WebSocketStream,
  type WebSocketStreamConnection,
  type WebSocketStreamOptions,
} from './websocket-stream.js';
export {
  type ParsedWebSocketUrl,
  parseWebSocketUrl,
  type WebSocketTarget,
  type WebSocketUrlProblem,
  type WebSocketUrlRules,
} from './websocket-url.js';

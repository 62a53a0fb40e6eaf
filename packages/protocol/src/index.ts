/**
 * @wskit/protocol: a sans-I/O RFC 6455 connection engine. Bytes in (`receiveData`, `receiveEof`),
 * events out (a handler or `events()`), bytes out (`dataToSend`, `shouldCloseTransport`), time in
 * (`nextDeadline`, `onDeadline`). No sockets, no timers, no runtime clock.
 *
 * @packageDocumentation
 */
export { Connection } from './connection.js';
export {
  ConnectionError,
  type ConnectionErrorCode,
  ConnectionErrorCodes,
  isConnectionError,
  isProtocolUsageError,
  ProtocolUsageError,
  type ProtocolUsageErrorCode,
} from './errors.js';
export type {
  ConnectionEvent,
  ConnectionFailure,
  ConnectionHandler,
  MessageArguments,
} from './events.js';
export type {
  ConnectionExtension,
  ExtensionContext,
  ExtensionMessage,
  ExtensionResult,
  SendOptions,
} from './extension.js';
export { type ConnectionOptions, DefaultMaxPendingPings, DefaultTimeouts } from './options.js';
export {
  type ConnectionInput,
  ConnectionState,
  connectionTransitions,
  type Transition,
} from './state.js';

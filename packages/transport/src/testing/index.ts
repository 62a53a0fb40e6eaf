/**
 * @wskit/transport/testing: an in-memory transport pair that keeps the port contract, sessions over
 * it, and the conformance suite every runtime adapter runs against its own runtime (plain data and
 * its own assertions: no test runner needed, so it also runs inside workerd), and the WHATWG cases
 * (`standardCases`: the `WebSocket` class and `WebSocketStream`, each from a step of the standard).
 *
 * @packageDocumentation
 */
export {
  type ClientOptionsCase,
  type ClientOptionsEnv,
  clientOptionCases,
  conformanceVerify,
  runClientOptionCases,
} from './client-option-cases.js';
export { type ConformanceCase, type ConformanceEnv, conformanceCases } from './conformance-cases.js';
export {
  type ConformanceResult,
  type RunConformanceOptions,
  runConformance,
  runConformanceCase,
} from './conformance-runner.js';
export { serveConformance } from './conformance-server.js';
export {
  createWebSocketPair,
  type InMemoryConformanceEnvOptions,
  inMemoryConformanceEnv,
  type WebSocketPair,
  type WebSocketPairOptions,
} from './in-memory.js';
export { inMemoryStandardEnv } from './in-memory-standard.js';
export {
  type RunStandardCasesOptions,
  runStandardCases,
  type StandardCase,
  type StandardEnv,
  standardCases,
  standardSelectProtocol,
} from './standard-cases.js';
export {
  createTransportPair,
  type InMemoryTransport,
  type TransportPair,
  type TransportPairOptions,
} from './transport-pair.js';

/**
 * @wskit/transport/testing: an in-memory transport pair that keeps the port contract, and the
 * conformance suite every runtime adapter runs against its own runtime (no test runner needed).
 *
 * @packageDocumentation
 */
export {
  createTransportPair,
  type InMemoryTransport,
  type TransportPair,
  type TransportPairOptions,
} from './transport-pair.js';

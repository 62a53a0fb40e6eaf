/**
 * `@wskit/transport/proxy-tunnel`: the `CONNECT` exchange of a dialer that tunnels through an HTTP
 * proxy (RFC 9110 §9.3.6). Dialers load it on demand (`import()`) when a proxy is used, so that a
 * bundled client that connects directly does not carry it. An entry of its own, not re-exported by the main one, because a bundler that
 * reaches the main entry statically keeps every module it re-exports in the up-front chunk.
 *
 * @packageDocumentation
 */
export { ConnectResponseReader, formatConnectRequest } from '../proxy-tunnel.js';

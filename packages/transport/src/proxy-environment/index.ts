/**
 * `@wskit/transport/proxy-environment`: the proxy that `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY`
 * name for a target. `dialWebSocket` loads it on demand, when its `proxyEnvironment` names a proxy
 * at all. An entry of its own, not re-exported by the main one, because a bundler that
 * reaches the main entry statically keeps every module it re-exports in the up-front chunk.
 *
 * @packageDocumentation
 */
export { type ProxyEnvironment, proxyFromEnvironment } from '../proxy-environment.js';

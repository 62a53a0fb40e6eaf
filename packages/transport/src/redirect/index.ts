/**
 * `@wskit/transport/redirect`: following a redirect, the shared rule of every client. Clients load
 * it on demand (`import()`) when a redirect arrives with `followRedirects`, so that a bundled
 * client that is never redirected does not carry it. An entry of its own, not re-exported by the main one, because a bundler that
 * reaches the main entry statically keeps every module it re-exports in the up-front chunk.
 *
 * @packageDocumentation
 */
export { followRedirect, planRedirect, type RedirectStep } from '../follow-redirect.js';

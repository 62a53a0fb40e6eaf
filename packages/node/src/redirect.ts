// Following a redirect (`followRedirects`): `client-upgrade.ts` loads this module on demand, when a
// redirect arrives, so that a client that is never redirected does not carry the rule. A module of
// this package rather than an `import()` of `@wskit/transport/redirect` itself: the CommonJS build
// then requires that entry's CommonJS file (one copy of the error classes) instead of its ESM one.
export { followRedirect } from '@wskit/transport/redirect';

/**
 * What `#node-dialer` (package.json `imports`) resolves to outside Node: no dialer. There a session
 * needs `options.dialer` (`bunDialer`, `cloudflareDialer`), and bundlers for those runtimes never
 * reach `@wskit/node`. On Node, `#node-dialer` is `@wskit/node` itself.
 */

/** No default dialer in this runtime. */
export const nodeDialer: undefined = undefined;

/**
 * Whether a connection may go through an undici dispatcher: the small check `client-upgrade.ts`
 * runs for every connection before it loads the dispatcher path (`dispatcher-upgrade.ts`).
 */

/** The environment variables that name proxies (curl's convention; lower case wins, as in undici). */
const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'] as const;

/** Whether `HTTP_PROXY` or `HTTPS_PROXY` (either case) names a proxy. */
export function hasProxyEnvironment(environment: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARIABLES.some((name) => (environment[name] ?? '') !== '');
}

/**
 * Whether `selectDispatcher` may pick a dispatcher for these options: the caller's `dispatcher`, a
 * `proxy` URL, or (unless `proxy: false`) a proxy named by the environment. `false` means a direct
 * connection, for which the dispatcher path is not loaded.
 */
export function usesDispatcher(options: {
  readonly dispatcher?: unknown;
  readonly proxy?: string | URL | false | undefined;
}): boolean {
  if (options.dispatcher !== undefined) return true;
  if (options.proxy === false) return false;
  return options.proxy !== undefined || hasProxyEnvironment();
}

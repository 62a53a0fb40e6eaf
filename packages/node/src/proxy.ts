import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Dispatcher } from 'undici';

/** The undici dispatcher a handshake goes through, and whether this package made it (and closes it). */
export interface SelectedDispatcher {
  readonly dispatcher: Dispatcher;
  readonly owned: boolean;
}

/** The environment variables that name proxies (curl's convention; lower case wins, as in undici). */
const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'] as const;

/** Whether `HTTP_PROXY` or `HTTPS_PROXY` (either case) names a proxy. */
export function hasProxyEnvironment(environment: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARIABLES.some((name) => (environment[name] ?? '') !== '');
}

/**
 * Picks how to reach the server: the caller's `dispatcher` as it is; a `ProxyAgent` for an explicit
 * `proxy` URL; an `EnvHttpProxyAgent` when the environment names a proxy (it applies `NO_PROXY` and
 * picks `HTTP_PROXY` for `ws:`, `HTTPS_PROXY` for `wss:`); otherwise `undefined`: a direct
 * connection. undici is loaded only when a proxy is used.
 */
export async function selectDispatcher(options: {
  readonly dispatcher?: Dispatcher | undefined;
  readonly proxy?: string | URL | false | undefined;
  readonly tls?: TlsConnectionOptions | undefined;
}): Promise<SelectedDispatcher | undefined> {
  if (options.dispatcher !== undefined) return { dispatcher: options.dispatcher, owned: false };
  if (options.proxy === false) return undefined;
  if (options.proxy !== undefined) {
    const { ProxyAgent } = await import('undici');
    return {
      dispatcher: new ProxyAgent({ uri: String(options.proxy), requestTls: options.tls }),
      owned: true,
    };
  }
  if (!hasProxyEnvironment()) return undefined;
  const { EnvHttpProxyAgent } = await import('undici');
  return {
    dispatcher: new EnvHttpProxyAgent({ connect: options.tls, requestTls: options.tls }),
    owned: true,
  };
}

import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Dispatcher } from 'undici';
import { HandshakeFailedError } from './errors.js';
import { hasProxyEnvironment } from './proxy-variables.js';

/**
 * An undici `Dispatcher` (a `ProxyAgent`, an `EnvHttpProxyAgent`, an `Agent`, …) as the options take
 * it: typed by the two methods this package calls, so that the type declarations do not need undici
 * (an optional peer dependency) to be installed. Any undici dispatcher is one.
 */
export interface UndiciDispatcher {
  /** undici's `Dispatcher.dispatch(options, handler)`. */
  dispatch(options: never, handler: never): boolean;
  /** undici's `Dispatcher.close()`. */
  close(): Promise<void>;
}

/** The option's dispatcher as undici's type, for the calls (it is one, see {@link UndiciDispatcher}). */
export function asDispatcher(dispatcher: UndiciDispatcher): Dispatcher {
  return dispatcher as unknown as Dispatcher;
}

/** The undici dispatcher a handshake goes through, and whether this package made it (and closes it). */
export interface SelectedDispatcher {
  readonly dispatcher: Dispatcher;
  readonly owned: boolean;
}

/** Whether `error` is the module loader's "not found" for the package `name` itself. */
function isMissingPackage(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  const message = error instanceof Error ? error.message : '';
  return message.includes(`'${name}'`) || message.includes(`"${name}"`);
}

/**
 * Loads undici, the optional peer dependency that opens proxy tunnels. The specifier is a literal so
 * that bundlers see it. Without undici installed, the handshake fails with a
 * `WS_NODE_ERR_PROXY_NEEDS_UNDICI` {@link HandshakeFailedError} saying what to install.
 */
async function loadUndici(url: string, why: string): Promise<typeof import('undici')> {
  try {
    return await import('undici');
  } catch (error) {
    if (!isMissingPackage(error, 'undici')) throw error;
    throw new HandshakeFailedError({
      code: 'WS_NODE_ERR_PROXY_NEEDS_UNDICI',
      url,
      message:
        `${why}, and proxies need the optional peer dependency undici, which is not installed: ` +
        'run `npm install undici@7` (or pass `proxy: false` to connect directly)',
      cause: error,
    });
  }
}

/**
 * Picks how to reach the server: the caller's `dispatcher` as it is; a `ProxyAgent` for an explicit
 * `proxy` URL; an `EnvHttpProxyAgent` when the environment names a proxy (it applies `NO_PROXY` and
 * picks `HTTP_PROXY` for `ws:`, `HTTPS_PROXY` for `wss:`); otherwise `undefined`: a direct
 * connection. undici is loaded only when a proxy is used; `url` (the target) is for the error when it
 * is not installed.
 */
export async function selectDispatcher(
  options: {
    readonly dispatcher?: UndiciDispatcher | undefined;
    readonly proxy?: string | URL | false | undefined;
    readonly tls?: TlsConnectionOptions | undefined;
    readonly proxyTls?: TlsConnectionOptions | undefined;
  },
  url: string,
): Promise<SelectedDispatcher | undefined> {
  if (options.dispatcher !== undefined) return { dispatcher: asDispatcher(options.dispatcher), owned: false };
  if (options.proxy === false) return undefined;
  if (options.proxy !== undefined) {
    const { ProxyAgent } = await loadUndici(url, 'The proxy option is set');
    return {
      dispatcher: new ProxyAgent({
        uri: String(options.proxy),
        requestTls: options.tls,
        ...(options.proxyTls === undefined ? {} : { proxyTls: options.proxyTls }),
      }),
      owned: true,
    };
  }
  if (!hasProxyEnvironment()) return undefined;
  const { EnvHttpProxyAgent } = await loadUndici(url, 'HTTP_PROXY or HTTPS_PROXY is set in the environment');
  return {
    dispatcher: new EnvHttpProxyAgent({
      connect: options.tls,
      requestTls: options.tls,
      ...(options.proxyTls === undefined ? {} : { proxyTls: options.proxyTls }),
    }),
    owned: true,
  };
}

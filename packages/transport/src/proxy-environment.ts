import type { WebSocketTarget } from './websocket-url.js';

/** The environment variables {@link proxyFromEnvironment} reads (either case; lower case wins). */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

function variable(environment: ProxyEnvironment, name: string): string | undefined {
  const value = environment[name.toLowerCase()] ?? environment[name.toUpperCase()];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Whether `NO_PROXY` exempts the host: `*`, a host (and its subdomains), `.suffix`, `*.suffix`, or `host:port`. */
function isExempt(noProxy: string, hostname: string, port: number): boolean {
  const host = hostname.toLowerCase();
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const portMatch = /^(.*):(\d+)$/.exec(entry);
    if (portMatch !== null && !entry.startsWith('[') && entry.split(':').length === 2) {
      if (Number(portMatch[2]) !== port) continue;
      entry = portMatch[1]!;
    }
    if (entry.startsWith('[') && entry.endsWith(']')) entry = entry.slice(1, -1);
    entry = entry.replace(/^\*?\./, '');
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/**
 * The proxy the environment names for a target, as `@wskit/node` (through undici's
 * `EnvHttpProxyAgent`) and curl read it: `HTTP_PROXY` for `ws:`, `HTTPS_PROXY` for `wss:` (either
 * case, lower case first), unless `NO_PROXY` exempts the host. `undefined` for a direct connection
 * (and always for a Unix socket).
 */
export function proxyFromEnvironment(
  environment: ProxyEnvironment,
  target: WebSocketTarget,
): string | undefined {
  if (target.socketPath !== undefined) return undefined;
  const proxy = variable(environment, target.secure ? 'https_proxy' : 'http_proxy');
  if (proxy === undefined) return undefined;
  const noProxy = variable(environment, 'no_proxy');
  if (noProxy !== undefined && isExempt(noProxy, target.hostname, target.port)) return undefined;
  return proxy;
}

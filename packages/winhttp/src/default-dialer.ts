/**
 * The default dialer: `@wskit/node`'s on Node, loaded the first time a request needs it, so that this
 * package loads in Bun and workerd too (where the caller passes `bunDialer` or `cloudflareDialer`).
 */
import type { Dialer } from '@wskit/transport';

/** Whether this runtime is Node itself (not Bun, Deno or workerd with Node compatibility). */
export function isNode(): boolean {
  const runtime = globalThis as {
    process?: { versions?: Record<string, string | undefined> };
    Deno?: unknown;
    navigator?: { userAgent?: string };
  };
  const versions = runtime.process?.versions;
  if (versions?.node === undefined || versions.bun !== undefined || runtime.Deno !== undefined) return false;
  return runtime.navigator?.userAgent !== 'Cloudflare-Workers';
}

let nodeDialer: Promise<Dialer> | undefined;

/**
 * `@wskit/node`'s `nodeDialer`, loaded the first time a request needs it. `#node-dialer` is mapped in
 * package.json (`imports`): `@wskit/node` (an optional peer dependency) under the `node` condition,
 * a module without a dialer elsewhere, so bundlers for Bun, Workers or browsers leave Node's
 * sockets out. Rejects when `@wskit/node` is not installed (the request then fails with
 * `ERROR_NOT_SUPPORTED`).
 */
export function loadNodeDialer(): Promise<Dialer> {
  nodeDialer ??= (async () => {
    const module: { nodeDialer?: unknown } = await import('#node-dialer');
    if (typeof module.nodeDialer !== 'function') {
      throw new TypeError('@wskit/node does not export nodeDialer: update @wskit/node');
    }
    return module.nodeDialer as Dialer;
  })();
  nodeDialer.catch(() => {
    nodeDialer = undefined;
  });
  return nodeDialer;
}

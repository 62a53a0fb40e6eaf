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
 * `@wskit/node`'s `nodeDialer`. The specifier is not a literal, so bundlers for other runtimes leave
 * the import alone.
 */
export function loadNodeDialer(): Promise<Dialer> {
  nodeDialer ??= (async () => {
    const specifier = '@wskit/node';
    const module = (await import(/* @vite-ignore */ specifier)) as { nodeDialer?: unknown };
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

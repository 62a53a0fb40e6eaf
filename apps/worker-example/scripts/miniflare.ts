/** The Worker in Miniflare (workerd), as `wrangler dev` would run it; used by `start` and the tests. */
import { Miniflare, type MiniflareOptions } from 'miniflare';
import type { WorkerBundle } from './bundle.ts';
import { appDirectory } from './bundle.ts';

/** The `compatibility_date` of wrangler.toml. */
export const compatibilityDate = '2024-09-23';
/** The Worker's `name` in wrangler.toml (Miniflare's script name, e.g. to evict a Durable Object). */
export const workerName = 'wskit-worker-example';
/** The Durable Object class of the rooms, bound as `ROOMS` (wrangler.toml's `durable_objects`). */
export const roomClassName = 'ChatRoom';

/** How to run the Worker. */
export interface WorkerOptions {
  /** The Worker's variables (`UPSTREAM_URL`). */
  readonly bindings?: Record<string, string>;
  /** Serve HTTP on this address and port (0: any free one); by default only `dispatchFetch`. */
  readonly host?: string;
  readonly port?: number;
  /** PEM certificates to trust for `wss:` (a self-signed test server's). */
  readonly trustedCertificates?: string[];
}

/**
 * A Miniflare running the bundled Worker. Its sockets may reach loopback and private addresses
 * (workerd's default outbound network is the public internet only), so it can talk to local servers.
 */
export function runWorker(bundle: WorkerBundle, options: WorkerOptions = {}): Miniflare {
  const miniflareOptions: MiniflareOptions = {
    name: workerName,
    compatibilityDate,
    modules: [{ type: 'ESModule', path: bundle.path, contents: bundle.script }],
    modulesRoot: appDirectory,
    bindings: options.bindings ?? {},
    // As wrangler.toml's migration: a SQLite-backed class, kept in memory here.
    durableObjects: { ROOMS: { className: roomClassName, useSQLite: true } },
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    outboundService: {
      network: {
        allow: ['public', 'private', 'local'],
        ...(options.trustedCertificates === undefined
          ? {}
          : { tlsOptions: { trustedCertificates: options.trustedCertificates } }),
      },
    },
  };
  return new Miniflare(miniflareOptions);
}

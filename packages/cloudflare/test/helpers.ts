/** Test helpers: bundling a Worker from the built package and running it in Miniflare. Not a test file. */
import { execSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

export const packageDir = join(import.meta.dirname, '..');
/** The self-signed certificate (CN localhost, SAN localhost, 127.0.0.1, ::1) and its key. */
export const certificate = readFileSync(join(packageDir, 'test', 'fixtures', 'cert.pem'), 'utf8');
export const privateKey = readFileSync(join(packageDir, 'test', 'fixtures', 'key.pem'), 'utf8');

/**
 * Bundles `source` into a Worker module as a Worker's bundler would: the built packages, resolved
 * by name through their exports maps with the `workerd` condition first, `cloudflare:*` external.
 * Returns the directory holding `worker.js` and the script.
 */
export async function bundleWorker(source: string, loader: 'js' | 'ts' = 'js') {
  if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
    // The turbo `test` task builds first; when run directly, build here.
    execSync('npx tsup', { cwd: packageDir, stdio: 'pipe' });
  }
  const directory = mkdtempSync(join(tmpdir(), 'wskit-cloudflare-'));
  const modules = join(directory, 'node_modules', '@wskit');
  mkdirSync(modules, { recursive: true });
  symlinkSync(packageDir, join(modules, 'cloudflare'), 'dir');
  const outfile = join(directory, 'worker.js');
  const result = await build({
    stdin: { contents: source, resolveDir: directory, sourcefile: `worker-source.${loader}`, loader },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'import'],
    mainFields: ['module', 'main'],
    nodePaths: [join(packageDir, 'node_modules')],
    external: ['cloudflare:*', 'node:*'],
    outfile,
    logLevel: 'silent',
  });
  if (result.errors.length > 0) throw new Error(JSON.stringify(result.errors));
  return { directory, script: readFileSync(outfile, 'utf8') };
}

/** A Miniflare running `script`, allowed to reach loopback, trusting the test certificate. */
export function startMiniflare(
  bundle: { directory: string; script: string },
  bindings: Record<string, string> = {},
  compatibilityFlags: string[] = [],
): Miniflare {
  return new Miniflare({
    compatibilityDate: '2024-09-23',
    compatibilityFlags,
    modules: [{ type: 'ESModule', path: join(bundle.directory, 'worker.js'), contents: bundle.script }],
    modulesRoot: bundle.directory,
    bindings,
    outboundService: {
      network: { allow: ['public', 'private', 'local'], tlsOptions: { trustedCertificates: [certificate] } },
    },
  });
}

/**
 * A small HTTP CONNECT proxy on loopback, for a Worker to tunnel through: it counts connections,
 * records each CONNECT target and `Proxy-Authorization`, answers 407 without `requireAuth` when one
 * is set, and relays bytes both ways. `GET /connections` answers how many CONNECTs it got (JSON).
 */
export async function connectProxy(requireAuth?: string) {
  const stats = { connections: 0, targets: [] as string[], authorizations: [] as (string | undefined)[] };
  const proxy = createHttpServer((request, response) => {
    if (request.url === '/connections') response.writeHead(200).end(JSON.stringify(stats.targets.length));
    else response.writeHead(405).end();
  });
  const sockets = new Set<Socket>();
  proxy.on('connection', (socket: Socket) => {
    stats.connections++;
    sockets.add(socket);
  });
  proxy.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    stats.targets.push(request.url ?? '');
    stats.authorizations.push(request.headers['proxy-authorization']);
    if (requireAuth !== undefined && request.headers['proxy-authorization'] !== requireAuth) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const authority = request.url ?? '';
    const colon = authority.lastIndexOf(':');
    const upstream = netConnect(Number(authority.slice(colon + 1)), authority.slice(0, colon), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  return {
    stats,
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

/**
 * The runner of README blocks marked `ts worker` (see `@wskit/tooling/readme-blocks`): bundles the
 * block, runs it in Miniflare with `BACKEND` bound to a loopback echo server, and resolves with the
 * body of its answer to `GET /`.
 */
export async function runWorkerBlock(_block: unknown, file: string): Promise<string> {
  const { createServer } = await import('@wskit/node');
  const backend = createServer({ port: 0, host: '127.0.0.1' }, (ws) => {
    ws.on('message', (message) => void ws.send(message));
  });
  await once(backend, 'listening');
  const bundle = await bundleWorker(readFileSync(file, 'utf8'), file.endsWith('.ts') ? 'ts' : 'js');
  const worker = startMiniflare(bundle, { BACKEND: `ws://127.0.0.1:${backend.port}` });
  try {
    const response = await worker.dispatchFetch('http://localhost/');
    return `${await response.text()}\n`;
  } finally {
    await worker.dispose();
    await backend.close();
    rmSync(bundle.directory, { recursive: true, force: true });
  }
}

/**
 * `start`: the Worker in Miniflare (workerd) on a local port, as `wrangler dev` would run it (wrangler
 * is not needed). Flags: `--port <port>` (default 8787, 0 for any free one), `--host <host>` (default
 * 127.0.0.1), `--upstream <url>` (the `UPSTREAM_URL` of `/bridge`; also taken from the environment).
 */
import { parseArgs } from 'node:util';
import { bundleWorker } from './bundle.ts';
import { runWorker } from './miniflare.ts';

// `pnpm start -- --port 0` passes the `--` on: skip it.
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === '--' ? args.slice(1) : args,
  options: {
    port: { type: 'string', short: 'p', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    upstream: { type: 'string' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`worker-example: --port must be a port number, not ${JSON.stringify(values.port)}`);
  process.exit(2);
}
const upstream = values.upstream ?? process.env.UPSTREAM_URL;

const worker = runWorker(await bundleWorker(), {
  host: values.host,
  port,
  bindings: upstream === undefined ? {} : { UPSTREAM_URL: upstream },
});
const url = await worker.ready;
console.log(`worker-example: listening on ${url.href}`);
console.log(`  try ${url.origin}/?url=ws://127.0.0.1:9001/&message=hello`);
console.log(`  chat: WebSocket ${url.origin.replace(/^http/, 'ws')}/rooms/lobby?name=you`);
if (upstream !== undefined)
  console.log(`  WebSocket ${url.origin.replace(/^http/, 'ws')}/bridge -> ${upstream}`);

// Ctrl-C / SIGTERM: Miniflare's own exit hook stops workerd and exits (128 + the signal).

/**
 * `pnpm --dir apps/demo start [--port 8080] [--host 127.0.0.1] [--redis redis://127.0.0.1:6379]`: runs the demo server and prints the
 * page's address. SIGINT (Ctrl-C) and SIGTERM close every WebSocket with 1001 Going Away, then exit.
 */
import { parseArgs } from 'node:util';
import { startDemoServer } from './demo-server.ts';

const HELP = `wskit demo: a live room in your browser, served by @wskit/node

Usage: pnpm --dir apps/demo start [options]

Options:
  -p, --port <port>   port to listen on, 0 for any free one (default 8080)
      --host <host>   address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
      --redis <url>   share the room with every demo process on this Redis (redis://127.0.0.1:6379)
  -h, --help          show this help
`;

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(2);
}

/** Reads the flags, or explains what is wrong and exits with 2. */
function readOptions(args: string[]): { port: number; host: string; redis: string | undefined } {
  let values: { port: string; host: string; redis?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string', short: 'p', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        redis: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    fail(`--port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`);
  }
  if (values.redis !== undefined && !/^rediss?:\/\//.test(values.redis)) {
    fail(`--redis must be a redis:// or rediss:// URL, not ${JSON.stringify(values.redis)}`);
  }
  return { port, host: values.host, redis: values.redis };
}

const { port, host, redis } = readOptions(process.argv.slice(2));
let server: Awaited<ReturnType<typeof startDemoServer>> | undefined;
let stopping = false;
// The signal handlers come first, so that a signal during the start is handled too.
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
try {
  server = await startDemoServer({ port, host, redis });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') fail(`port ${port} is in use; pick another with --port (0 for any free one)`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    fail(`cannot listen on ${host}: no such local address`);
  }
  if (code === 'EACCES') fail(`not allowed to listen on port ${port}; try one above 1023`);
  throw error;
}

console.log(`wskit demo: open ${server.url} in a few tabs (Ctrl-C to stop)`);
if (redis !== undefined) console.log(`wskit demo: the room spans every demo process on ${redis}`);

function stop(signal: NodeJS.Signals): void {
  if (stopping) {
    console.log(`${signal} again: exiting now`);
    process.exit(1);
  }
  stopping = true;
  if (server === undefined) {
    // Still starting: nothing to close yet.
    console.log(`\n${signal}: stopped while starting`);
    process.exit(0);
  }
  const count = server.room.size;
  console.log(`\n${signal}: closing ${count} connection${count === 1 ? '' : 's'} with 1001 Going Away`);
  // Browsers answer the close at once; the session's close timeout bounds one that does not.
  const watchdog = setTimeout(() => {
    console.log('demo: some connections did not close in time; exiting');
    process.exit(1);
  }, 12_000);
  watchdog.unref();
  server.close().then(
    () => {
      console.log('demo: stopped');
      process.exitCode = 0;
    },
    (error: unknown) => {
      console.error('demo: closing failed:', error);
      process.exit(1);
    },
  );
}

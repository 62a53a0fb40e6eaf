/**
 * `pnpm --dir apps/echo-server start [options]`: an echo server for conformance runs (the server
 * under test of Autobahn|Testsuite's fuzzing client). Prints its URL; SIGINT and SIGTERM close every
 * connection with 1001 Going Away, then exit.
 */
import { parseArgs } from 'node:util';
import { echo } from './echo.ts';
import { describeLimits, type Limits, limitFlags, limitsFromFlags, sessionOptions } from './limits.ts';
import { DefaultRuntime, type Listener, prepareRuntime } from './runtimes/index.ts';
import { describeTimers, sessionTimers, type Timers, timerFlags, timersFromFlags } from './timers.ts';

const HELP = `wskit echo server: echoes every message with its type (text as text, binary as binary)

Usage: pnpm --dir apps/echo-server start [options]

Options:
  -p, --port <port>              port to listen on, 0 for any free one (default 9001)
      --host <host>              address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
      --autobahn                 limits for Autobahn|Testsuite: 64 MiB messages, 100000 fragments
      --max-message-size <size>  largest message (and frame) received: 65536, 512KiB, 64MiB
                                 (default 16 MiB)
      --max-fragments <count>    most frames in one message (default 4096)
      --keepalive-interval <t>   ping after this long without receiving anything: 5000, 500ms,
                                 20s, 2m; 0 for off (default: the adapter's)
      --pong-timeout <t>         fail with 1011 when a keepalive ping stays unanswered this long
                                 (default 20s)
      --handshake-timeout <t>    a client's time to complete its upgrade request; 0 for no limit
                                 (default 10s)
      --idle-timeout <t>         close with 1001 after this long without a message; 0 for never
                                 (default 0)
      --write-timeout <t>        fail with 1008 when the peer reads nothing for this long; 0 for
                                 no limit (default 30s)
      --max-buffered-bytes <size>  bytes of received messages kept for the application before
                                 reading pauses (default 32 MiB)
      --decode-text              decode received text to strings before echoing it (what a
                                 session does by default; without it, text is echoed as its
                                 validated UTF-8 bytes, decodeText: false)
      --deflate                  accept permessage-deflate (needs @wskit/node's perMessageDeflate)
      --runtime <name>           node (default) or bun (runs the server under the bun binary)
      --verbose                  log every connection as it closes
  -h, --help                     show this help
`;

interface Options {
  readonly port: number;
  readonly host: string;
  readonly limits: Limits;
  readonly timers: Timers;
  readonly deflate: boolean;
  readonly decodeText: boolean;
  readonly runtime: string;
  readonly verbose: boolean;
}

function fail(message: string): never {
  process.stderr.write(`echo-server: ${message}\n`);
  process.exit(2);
}

/** Reads the flags, or explains what is wrong and exits with 2. */
function readOptions(args: string[]): Options {
  const parse = (list: string[]) =>
    parseArgs({
      args: list,
      options: {
        port: { type: 'string', short: 'p', default: '9001' },
        host: { type: 'string', default: '127.0.0.1' },
        ...limitFlags,
        ...timerFlags,
        deflate: { type: 'boolean', default: false },
        'decode-text': { type: 'boolean', default: false },
        runtime: { type: 'string', default: DefaultRuntime },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(args));
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
  const limits = limitsFromFlags(values);
  if (typeof limits === 'string') fail(limits);
  const timers = timersFromFlags(values);
  if (typeof timers === 'string') fail(timers);
  return {
    port,
    host: values.host,
    limits,
    timers,
    deflate: values.deflate,
    decodeText: values['decode-text'],
    runtime: values.runtime,
    verbose: values.verbose,
  };
}

const options = readOptions(process.argv.slice(2));
// --runtime bun under Node: this script runs under bun instead (and exits with its status).
const runtime = await prepareRuntime(options.runtime, {
  label: 'echo-server',
  deflate: options.deflate,
  fail,
});

let listener: Listener;
try {
  listener = await runtime.listen({
    host: options.host,
    port: options.port,
    // Text is echoed as it came: validated UTF-8 bytes, never decoded to a string (see echo.ts).
    session: {
      decodeText: options.decodeText,
      ...sessionOptions(options.limits),
      ...sessionTimers(options.timers),
    },
    handshakeTimeout: options.timers.handshakeTimeout,
    deflate: options.deflate,
    onConnection(session) {
      void echo(session).then((summary) => {
        if (!options.verbose) return;
        const error = summary.error ? ` (${summary.error.message})` : '';
        process.stdout.write(
          `echo-server: closed ${summary.code}${summary.wasClean ? '' : ' uncleanly'} after ` +
            `${summary.messages} messages${error}\n`,
        );
      });
    },
  });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    fail(`port ${options.port} is in use; pick another with --port (0 for any free one)`);
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    fail(`cannot listen on ${options.host}: no such local address`);
  }
  if (code === 'EACCES') fail(`not allowed to listen on port ${options.port}; try one above 1023`);
  throw error;
}

process.stdout.write(
  `echo-server: listening on ${listener.url} (${runtime.name}; ${describeLimits(options.limits)}` +
    `${describeTimers(options.timers) ? `; ${describeTimers(options.timers)}` : ''}` +
    `${options.deflate ? '; permessage-deflate' : ''})\n`,
);

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) {
    process.stderr.write(`echo-server: ${signal} again: exiting without waiting\n`);
    process.exit(1);
  }
  stopping = true;
  const count = listener.connections;
  process.stdout.write(
    `echo-server: ${signal}: closing ${count} connection${count === 1 ? '' : 's'} with 1001 Going Away\n`,
  );
  listener.close(1001, 'server shutting down').then(
    () => {
      process.stdout.write('echo-server: stopped\n');
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`echo-server: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/**
 * `pnpm --dir apps/winhttp-sample start --url ws://127.0.0.1:9001/` runs Microsoft's WinHTTP
 * WebSocket sample against the echo server at that URL; `--echo-server` (without `--url`) starts a
 * local echo server (@wskit/node, on a free port) and runs the sample against it. Exits with 0, or
 * with 1 after "Application failed with error: N", as the original does.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { WebSocketServer } from '@wskit/node';
import { runSample, SampleError } from './sample.ts';

const HELP = `WinHTTP WebSocket sample on @wskit/winhttp

Usage: pnpm --dir apps/winhttp-sample start (--url <ws-url> | --echo-server) [options]

Options:
      --url <url>        a ws: or wss: echo server to run the sample against
      --echo-server      start a local echo server (@wskit/node, free port) and use it
      --ca <file>        a PEM CA certificate to trust for wss: (e.g. a test server's)
      --receive <bytes>  the size of each receive (default 10: smaller than the 24-byte message)
  -h, --help             show this help
`;

function fail(message: string): never {
  process.stderr.write(`winhttp-sample: ${message}\n`);
  process.exit(2);
}

interface Options {
  readonly url: URL | undefined;
  readonly echoServer: boolean;
  readonly ca: string | undefined;
  readonly receiveSize: number;
}

/** Reads the flags, or explains what is wrong and exits with 2. */
function readOptions(args: string[]): Options {
  let values: { url?: string; 'echo-server'?: boolean; ca?: string; receive?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        'echo-server': { type: 'boolean' },
        ca: { type: 'string' },
        receive: { type: 'string' },
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
  let url: URL | undefined;
  if (values.url !== undefined) {
    try {
      url = new URL(values.url);
    } catch {
      fail(`--url is not a URL: ${JSON.stringify(values.url)}`);
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
      fail(`--url must be ws: or wss:, not ${url.protocol}`);
  } else if (!values['echo-server']) {
    fail(`give --url, or --echo-server to start a local echo server\n\n${HELP}`);
  }
  const receiveSize = Number(values.receive ?? '10');
  if (!Number.isInteger(receiveSize) || receiveSize < 1 || receiveSize > 1024)
    fail('--receive must be 1 to 1024');
  return { url, echoServer: values['echo-server'] === true, ca: values.ca, receiveSize };
}

/** A local echo server on a free port. */
async function startEchoServer(): Promise<{ url: URL; close: () => Promise<void> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.on('connection', (socket) => {
    socket.on('message', (data) => void socket.send(data).catch(() => {}));
  });
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`ws://127.0.0.1:${port}/`), close: () => server.close() };
}

const options = readOptions(process.argv.slice(2));
const echo = options.url === undefined ? await startEchoServer() : undefined;
const url = options.url ?? echo!.url;
if (echo !== undefined) console.log(`Started a local echo server at ${url.href}`);
let exitCode = 0;
try {
  await runSample({
    url,
    tls: options.ca === undefined ? undefined : { ca: readFileSync(options.ca) },
    receiveSize: options.receiveSize,
    print: (line) => console.log(line),
  });
} catch (error) {
  if (!(error instanceof SampleError)) throw error;
  console.log(`Application failed with error: ${error.code}`);
  exitCode = 1;
} finally {
  await echo?.close();
}
process.exitCode = exitCode;

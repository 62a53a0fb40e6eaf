// `wskit listen <port>`: a WebSocket server on the terminal. Prints every connection's events; can
// echo or broadcast what arrives; lines of standard input go to every client.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { createInterface } from 'node:readline';
import { WebSocketServer } from '@wskit/node';
import { milliseconds, parse, port, UsageError } from './arguments.mjs';
import { describeClose, describeControlPayload, describeMessage, plural } from './output.mjs';

export const LISTEN_HELP = `Usage: wskit listen <port> [options]

Runs a WebSocket server on <port> (0 picks a free one; the address is printed) and prints each
connection's events: open (with the remote address), messages ("<" received, ">" sent), pings,
errors and close codes. Lines of standard input are sent to every connected client. Ctrl-C closes
every connection with 1001 and exits.

Options:
      --host <host>          address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  -e, --echo                 send each message back to its sender
      --broadcast            send each message to every other client (with --echo: to everyone)
  -s, --subprotocol <name>   accept this subprotocol when a client offers it (repeatable, by
                             preference)
  -b, --binary               send standard input lines as binary messages
      --ping <ms>            ping every client every <ms> milliseconds
      --cert <file>          serve wss: with this PEM certificate (chain), with --key
      --key <file>           the PEM private key of --cert
  -h, --help                 show this help

Examples:
  wskit listen 8080 --echo
  wskit listen 0 --broadcast -s chat.v1
  wskit listen 8443 --cert cert.pem --key key.pem --echo
`;

/**
 * Runs `wskit listen` until SIGINT or SIGTERM.
 *
 * @param {string[]} args the arguments after `listen`
 * @param {import('./output.mjs').Output} output
 * @returns {Promise<number>} the exit status
 */
export async function runListen(args, output) {
  const { values, positionals } = parse(args, {
    host: { type: 'string', default: '127.0.0.1' },
    echo: { type: 'boolean', short: 'e', default: false },
    broadcast: { type: 'boolean', default: false },
    subprotocol: { type: 'string', short: 's', multiple: true, default: [] },
    binary: { type: 'boolean', short: 'b', default: false },
    ping: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(LISTEN_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'listen needs a port' : `unexpected argument ${positionals[1]}`,
    );
  }
  const listenPort = port(positionals[0]);
  const pingInterval = milliseconds(values.ping, '--ping');
  if ((values.cert === undefined) !== (values.key === undefined)) {
    throw new UsageError('--cert and --key go together');
  }
  const tls =
    values.cert === undefined || values.key === undefined
      ? undefined
      : { cert: readFile(values.cert, '--cert'), key: readFile(values.key, '--key') };

  const { paint } = output;
  const server = new WebSocketServer({
    port: listenPort,
    host: values.host,
    ...(tls === undefined ? {} : { tls }),
    ...(values.subprotocol.length > 0 ? { protocols: values.subprotocol } : {}),
  });
  try {
    await once(server, 'listening');
  } catch (error) {
    const code = /** @type {NodeJS.ErrnoException} */ (error).code;
    const where = `${values.host}:${listenPort}`;
    if (code === 'EADDRINUSE') output.error(`cannot listen on ${where}: the port is in use`);
    else if (code === 'EACCES')
      output.error(`cannot listen on ${where}: permission denied (try a port above 1023)`);
    else output.error(`cannot listen on ${where}: ${/** @type {Error} */ (error).message}`);
    return 1;
  }
  server.on('error', (error) => output.error(`server error: ${error.message}`));

  const scheme = tls === undefined ? 'ws' : 'wss';
  const host = values.host.includes(':') ? `[${values.host}]` : values.host;
  output.line(
    `${paint.green('listening:')} ${scheme}://${host}:${server.port}/ ${paint.dim('(Ctrl-C to stop)')}`,
  );

  /** @type {Map<import('@wskit/node').WebSocketSession, string>} */
  const labels = new Map();
  let nextId = 1;

  /**
   * @param {import('@wskit/node').WebSocketSession} to
   * @param {string | Uint8Array} data
   */
  const send = (to, data) => {
    const label = labels.get(to);
    if (label === undefined) return;
    if (to.readyState !== to.OPEN) {
      output.line(
        `${label} ${paint.dim(`not sent (the connection is closing): ${describeMessage(data, paint)}`)}`,
      );
      return;
    }
    void to.send(data);
    output.line(`${label} ${paint.green('>')} ${describeMessage(data, paint)}`);
  };

  server.on('connection', (socket, request) => {
    const label = paint.bold(`[${nextId++}]`);
    labels.set(socket, label);
    const details = [socket.protocol && `subprotocol: ${socket.protocol}`].filter(Boolean);
    output.line(
      `${label} ${paint.green('open:')} ${socket.remoteAddress ?? 'unknown address'} ${request.method} ${request.url}` +
        (details.length ? paint.dim(` (${details.join(', ')})`) : ''),
    );
    socket.on('message', (data) => {
      output.line(`${label} ${paint.cyan('<')} ${describeMessage(data, paint)}`);
      if (values.echo) send(socket, data);
      if (values.broadcast) {
        for (const other of labels.keys()) if (other !== socket) send(other, data);
      }
    });
    socket.on('ping', (data) =>
      output.line(`${label} ${paint.cyan('<')} ${paint.magenta('ping')}${describeControlPayload(data)}`),
    );
    socket.on('pong', (data) =>
      output.line(`${label} ${paint.cyan('<')} ${paint.magenta('pong')}${describeControlPayload(data)}`),
    );
    socket.on('error', (error) => {
      const closeCode = /** @type {{ closeCode?: number }} */ (error).closeCode;
      const what =
        closeCode === undefined ? 'connection failed' : `protocol error (closing with ${closeCode})`;
      output.line(`${label} ${paint.red(`${what}:`)} ${error.message}`);
    });
    socket.on('close', (code, reason, wasClean) => {
      labels.delete(socket);
      const unclean = wasClean ? '' : paint.dim(' (no close handshake)');
      output.line(`${label} ${paint.yellow('closed:')} ${describeClose(code, reason)}${unclean}`);
    });
  });
  server.on('rejected', (request, status, error) => {
    const from = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
    const why = error instanceof Error ? `: ${error.message}` : '';
    const answer = status === 0 ? 'client gone' : `${status} ${STATUS_CODES[status] ?? ''}`.trim();
    output.line(
      `${paint.dim('[-]')} ${paint.red('refused:')} ${from} ${request.method} ${request.url}: ${answer}${why}`,
    );
  });

  const pinger =
    pingInterval === undefined
      ? undefined
      : setInterval(() => {
          for (const [socket, label] of labels) {
            if (socket.readyState !== socket.OPEN) continue;
            void socket.ping();
            output.line(`${label} ${paint.green('>')} ${paint.magenta('ping')}`);
          }
        }, pingInterval);

  // Standard input: every line to every client. Its end (or none at all) does not stop the server.
  const lines = createInterface({
    input: process.stdin,
    terminal: false,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  lines.on('line', (line) => {
    const data = values.binary ? Buffer.from(line, 'utf8') : line;
    if (labels.size === 0) output.line(paint.dim(`(no client to send ${JSON.stringify(line)} to)`));
    for (const socket of labels.keys()) send(socket, data);
  });
  process.stdin.on('error', () => {});

  const signal = await new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const open = labels.size;
  output.line(paint.dim(`${signal}: closing ${plural(open, 'connection')} with 1001 (going away)`));
  const forced = () => process.exit(130);
  process.once('SIGINT', forced);
  process.once('SIGTERM', forced);
  clearInterval(pinger);
  lines.close();
  process.stdin.destroy();
  await server.close(1001, 'server shutting down');
  return 0;
}

/**
 * @param {string} file
 * @param {string} flag
 */
function readFile(file, flag) {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${file}: ${/** @type {Error} */ (error).message}`);
  }
}

// `wskit connect <url>`: a WebSocket client on the terminal. Lines of standard input become messages;
// what arrives is printed, one line per event.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { connect } from '@wskit/node';
import { closeCode, expandClose, headers, milliseconds, parse, UsageError } from './arguments.mjs';
import { describeConnectFailure } from './connect-errors.mjs';
import { describeClose, describeControlPayload, describeMessage } from './output.mjs';

export const CONNECT_HELP = `Usage: wskit connect <url> [options]

Opens a WebSocket to <url> (ws:, wss:, or host:port for ws:). Each line of standard input is sent as
a message; messages, pings and pongs that arrive are printed ("<" received, ">" sent). When standard
input ends, wskit waits --wait milliseconds for replies, then closes the connection (with 1000, or
the --close code) unless --keep-open.

Options:
  -s, --subprotocol <name>   offer a subprotocol (repeat for several, most preferred first)
  -H, --header <"Name: value">
                             send an extra request header (repeatable)
  -o, --origin <origin>      send this Origin header
      --ca <file>            trust the CA certificate(s) in this PEM file for wss:
  -k, --insecure             do not verify the server's TLS certificate
  -b, --binary               send standard input lines as binary messages (UTF-8 bytes)
      --ping <ms>            send a ping every <ms> milliseconds and print the pong's round trip
      --close <code> [reason]
                             close with this code (and reason) when standard input ends
      --wait <ms>            after standard input ends, wait this long for replies before
                             closing (default 100)
      --keep-open            stay connected when standard input ends (until the server closes
                             or Ctrl-C)
      --timeout <ms>         give up on the opening handshake after <ms> (default 10000)
  -h, --help                 show this help

Exit status: 0 after a normal close (1000, 1001 or no code from the server, or a clean close we
started); 1 when the connection is refused, the handshake fails, the peer breaks the protocol or
the server closes with another code; 2 for a usage error.

Examples:
  wskit connect ws://localhost:8080/chat
  echo '{"op":"subscribe"}' | wskit connect wss://example.com/feed -s v2.feed -H "Authorization: Bearer abc"
  wskit connect localhost:8080 --ping 1000 --keep-open < /dev/null
`;

/** The close codes with which the engine fails a connection on bad input (RFC 6455 §7.4.1). */
const FAILURE_CODES = new Set([1002, 1007, 1009]);

/**
 * Runs `wskit connect`.
 *
 * @param {string[]} args the arguments after `connect`
 * @param {import('./output.mjs').Output} output
 * @returns {Promise<number>} the exit status
 */
export async function runConnect(args, output) {
  const { values, positionals } = parse(expandClose(args), {
    subprotocol: { type: 'string', short: 's', multiple: true, default: [] },
    header: { type: 'string', short: 'H', multiple: true, default: [] },
    origin: { type: 'string', short: 'o' },
    ca: { type: 'string' },
    insecure: { type: 'boolean', short: 'k', default: false },
    binary: { type: 'boolean', short: 'b', default: false },
    ping: { type: 'string' },
    close: { type: 'string' },
    'close-reason': { type: 'string', default: '' },
    'keep-open': { type: 'boolean', default: false },
    wait: { type: 'string', default: '100' },
    timeout: { type: 'string', default: '10000' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(CONNECT_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'connect needs a URL' : `unexpected argument ${positionals[1]}`,
    );
  }
  const url = webSocketUrl(/** @type {string} */ (positionals[0]));
  const reason = values['close-reason'];
  const code = values.close === undefined ? 1000 : closeCode(values.close, reason);
  const pingInterval = milliseconds(values.ping, '--ping');
  const handshakeTimeout = milliseconds(values.timeout, '--timeout', 0);
  const wait = milliseconds(values.wait, '--wait', 0) ?? 0;
  const requestHeaders = headers(values.header);
  /** @type {import('node:tls').ConnectionOptions} */
  const tls = {};
  if (values.ca !== undefined) tls.ca = readPem(values.ca);
  if (values.insecure) tls.rejectUnauthorized = false;

  /** @type {import('@wskit/node').WebSocketSession} */
  let socket;
  try {
    socket = await connect(url, {
      protocols: values.subprotocol,
      headers: requestHeaders,
      ...(values.origin === undefined ? {} : { origin: values.origin }),
      tls,
      handshakeTimeout,
    });
  } catch (error) {
    // Misuse the library refuses at once (a reserved header, a bad subprotocol name) is ours.
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message);
    output.error(await describeConnectFailure(error, url));
    return 1;
  }
  return session(socket, output, {
    binary: values.binary,
    keepOpen: values['keep-open'],
    closeCode: code,
    closeReason: reason,
    pingInterval,
    wait,
  });
}

/**
 * Prints the session's events and sends standard input's lines until the WebSocket closes.
 *
 * @param {import('@wskit/node').WebSocketSession} socket
 * @param {import('./output.mjs').Output} output
 * @param {{ binary: boolean, keepOpen: boolean, closeCode: number, closeReason: string, pingInterval: number | undefined, wait: number }} options
 */
async function session(socket, output, options) {
  const { paint } = output;
  const received = paint.cyan('<');
  const sent = paint.green('>');
  const negotiated = [
    socket.protocol && `subprotocol: ${socket.protocol}`,
    socket.extensions && `extensions: ${socket.extensions}`,
  ].filter(Boolean);
  output.line(
    `${paint.green('connected:')} ${socket.url}${negotiated.length ? paint.dim(` (${negotiated.join(', ')})`) : ''}`,
  );

  /** @type {Error | undefined} */
  let failure;
  /** Who started the close: `undefined` while the server may still be the one. */
  let closedBy = /** @type {'input' | 'signal' | undefined} */ (undefined);
  let pingSentAt = 0;

  socket.on('message', (data) => output.line(`${received} ${describeMessage(data, paint)}`));
  socket.on('ping', (data) =>
    output.line(`${received} ${paint.magenta('ping')}${describeControlPayload(data)}`),
  );
  socket.on('pong', (data) => {
    const roundTrip = pingSentAt ? paint.dim(` (${(performance.now() - pingSentAt).toFixed(1)} ms)`) : '';
    pingSentAt = 0;
    output.line(`${received} ${paint.magenta('pong')}${describeControlPayload(data)}${roundTrip}`);
  });
  socket.on('error', (error) => {
    failure ??= error;
  });

  const pinger =
    options.pingInterval === undefined
      ? undefined
      : setInterval(() => {
          if (socket.readyState !== socket.OPEN) return;
          pingSentAt = performance.now();
          void socket.ping();
          output.line(`${sent} ${paint.magenta('ping')}`);
        }, options.pingInterval);

  /** @param {'input' | 'signal'} by */
  const close = (by) => {
    if (closedBy !== undefined || socket.readyState !== socket.OPEN) return;
    closedBy = by;
    const code = by === 'input' ? options.closeCode : 1000;
    const reason = by === 'input' ? options.closeReason : 'interrupted';
    output.line(paint.dim(`closing: ${describeClose(code, reason)}`));
    socket.close(code, reason);
  };
  let interrupted = false;
  const onSignal = () => {
    // A second Ctrl-C while the close handshake runs: leave at once.
    if (interrupted) process.exit(130);
    interrupted = true;
    close('signal');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const lines = createInterface({
    input: process.stdin,
    terminal: false,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const reading = (async () => {
    for await (const line of lines) {
      if (socket.readyState !== socket.OPEN || closedBy !== undefined) break;
      const data = options.binary ? Buffer.from(line, 'utf8') : line;
      void socket.send(data);
      output.line(`${eraseTypedLine(line)}${sent} ${describeMessage(data, paint)}`);
      // A slow server: stop reading standard input until the socket drains.
      if (socket.needsDrain) await socket.drained();
    }
    if (options.keepOpen) return;
    // Replies to the last lines may still be on their way: a server may not answer a message
    // once it has our close.
    if (options.wait > 0) await new Promise((resolve) => setTimeout(resolve, options.wait));
    close('input');
  })();
  reading.catch((error) => {
    output.warn(`reading standard input failed: ${error.message}`);
    if (!options.keepOpen) close('input');
  });

  const { code, reason, wasClean } = await socket.closed;
  clearInterval(pinger);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  lines.close();
  process.stdin.destroy();

  const unclean = wasClean ? '' : paint.dim(' (no close handshake)');
  output.line(`${paint.yellow('closed:')} ${describeClose(code, reason)}${unclean}`);
  if (failure !== undefined) {
    const closeCodeOf = /** @type {{ closeCode?: number }} */ (failure).closeCode;
    output.error(
      closeCodeOf === undefined
        ? `connection failed: ${failure.message}`
        : `protocol error: ${failure.message} (closed with ${describeClose(closeCodeOf, '')})`,
    );
    return 1;
  }
  if (!wasClean && closedBy === undefined && FAILURE_CODES.has(code)) {
    // Our side failed the connection, but before `connect` resolved: frames that came with the
    // server's 101 are processed at once, and their `error` event had no listener yet.
    output.error(
      `protocol error: ${reason || 'invalid data from the server'} (closed with ${describeClose(code, '')})`,
    );
    return 1;
  }
  if (closedBy !== undefined) {
    if (wasClean) return 0;
    output.error(`the server did not finish the close handshake (${describeClose(code, reason)})`);
    return 1;
  }
  if (code === 1000 || code === 1001 || code === 1005) return 0;
  output.error(`the server closed the connection with ${describeClose(code, reason)}`);
  return 1;
}

/**
 * On a terminal, the line just typed (echoed by the terminal) is replaced by its `> text:` line:
 * the ANSI codes to move up over it and clear it. Nothing when input or output is not a terminal.
 *
 * @param {string} line
 */
function eraseTypedLine(line) {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return '';
  const rows = Math.max(1, Math.ceil(line.length / (process.stdout.columns || 80)));
  return '\u001b[1A\u001b[2K'.repeat(rows);
}

/**
 * The URL to connect to: `ws:`/`wss:` (or `http:`/`https:`), or `host:port/path` taken as `ws:`.
 *
 * @param {string} text
 */
function webSocketUrl(text) {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `ws://${text}`;
  let url;
  try {
    url = new URL(withScheme);
  } catch {
    const port = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:]*):([^/?#]*)/i.exec(
      withScheme,
    )?.[1];
    if (port !== undefined && port !== '') {
      throw new UsageError(
        /^\d+$/.test(port)
          ? `port ${port} is out of range: a port is a number from 0 to 65535`
          : `${JSON.stringify(port)} is not a port: a port is a number from 0 to 65535`,
      );
    }
    throw new UsageError(`not a URL: ${JSON.stringify(text)}`);
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) {
    throw new UsageError(`${url.protocol} URLs are not WebSockets: use ws: or wss:`);
  }
  return url;
}

/**
 * The contents of a PEM file, or a usage error naming it.
 *
 * @param {string} file
 */
function readPem(file) {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read --ca ${file}: ${/** @type {Error} */ (error).message}`);
  }
}

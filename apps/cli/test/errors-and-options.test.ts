// wskit against servers that refuse or misbehave, its request options, usage errors, help and colors.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { WebSocketServer } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { CERT, defer, KEY, listen, serve, wskit } from './helpers.ts';

/** RFC 6455 §1.3's GUID, to compute a valid Sec-WebSocket-Accept by hand. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * A server that completes the handshake correctly, then sends `bytes` (raw frames): in the same
 * write as its 101 (`delay` undefined), or `delay` ms later.
 */
async function rawServer(bytes: Uint8Array, delay?: number): Promise<number> {
  const server = createNetServer((socket) => {
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
      head = '';
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      const response = Buffer.from(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      if (delay === undefined) {
        socket.write(Buffer.concat([response, bytes]));
      } else {
        socket.write(response);
        setTimeout(() => socket.write(bytes), delay);
      }
    });
  });
  return serve(server);
}

/** A `@wskit/node` server in this process, closed after the test. */
async function inProcessServer(onConnection: ConstructorParameters<typeof WebSocketServer>[0] = {}) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...onConnection });
  await once(server, 'listening');
  defer(() => server.close());
  return server;
}

describe('connect: failures', () => {
  it('exits 1 with "connection refused" when nothing listens on the port', async () => {
    const probe = createNetServer();
    const port = await serve(probe);
    await new Promise((resolve) => probe.close(resolve));
    const client = wskit(['connect', `ws://127.0.0.1:${port}/`]);
    expect(await client.exited).toBe(1);
    expect(client.stderr()).toBe(
      `wskit: connection refused: 127.0.0.1:${port} (is a server listening there?)\n`,
    );
    expect(client.stdout()).toBe('');
  });

  it('exits 1 and prints the status when a plain HTTP server answers 404 to the upgrade', async () => {
    const port = await serve(
      createHttpServer((_request, response) => {
        response.writeHead(404, { 'Content-Type': 'text/plain' });
        response.end('no websockets here\n');
      }),
    );
    const client = wskit(['connect', `ws://127.0.0.1:${port}/chat`]);
    expect(await client.exited).toBe(1);
    expect(client.stderr()).toBe(
      `wskit: handshake failed: 127.0.0.1:${port} answered 404 Not Found instead of 101 Switching Protocols\n` +
        '  response body: no websockets here\n',
    );
  });

  it('exits 1 saying the server does not speak TLS when wss: meets a plain server, and suggests ws:', async () => {
    const port = await serve(createHttpServer((_request, response) => response.end('plain\n')));
    const client = wskit(['connect', `wss://127.0.0.1:${port}/chat?room=1`]);
    expect(await client.exited).toBe(1);
    expect(client.stderr()).toBe(
      `wskit: TLS failed: 127.0.0.1:${port} does not speak TLS (a plain ws: server?); try ws://127.0.0.1:${port}/chat?room=1\n`,
    );
    expect(client.stderr()).not.toMatch(/SSL routines|openssl/i);
  });

  it('exits 1 and suggests wss: when ws: meets a TLS server', async () => {
    const tlsServer = createHttpsServer(
      { cert: readFileSync(CERT), key: readFileSync(KEY) },
      (_request, response) => response.end('secure\n'),
    );
    tlsServer.on('tlsClientError', () => {}); // the plain request, then the probe's hang-up
    const port = await serve(tlsServer);
    const client = wskit(['connect', `ws://localhost:${port}/chat`]);
    expect(await client.exited).toBe(1);
    expect(client.stderr()).toMatch(/^wskit: handshake failed: /);
    expect(client.stderr()).toContain(`\n  localhost:${port} speaks TLS: try wss://localhost:${port}/chat\n`);
  });

  it('gives no TLS hint when a plain server closes the connection without answering', async () => {
    const port = await serve(
      createNetServer((socket) => {
        socket.on('error', () => {});
        socket.once('data', () => socket.end());
      }),
    );
    const client = wskit(['connect', `ws://127.0.0.1:${port}/`]);
    expect(await client.exited).toBe(1);
    expect(client.stderr()).toMatch(/^wskit: handshake failed: /);
    expect(client.stderr()).not.toContain('TLS');
  });

  for (const [when, delay] of [
    ['right behind its 101', undefined],
    ['later', 100],
  ] as const) {
    it(`exits 1 and prints the close code when the server sends garbage frames ${when}`, async () => {
      // FIN with opcode 0xF (reserved), then noise.
      const port = await rawServer(new Uint8Array([0x8f, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x00]), delay);
      const client = wskit(['connect', `ws://127.0.0.1:${port}/`, '--keep-open']);
      expect(await client.exited).toBe(1);
      expect(client.stdout()).toMatch(
        /^closed: 1002 \(protocol error\) "Invalid opcode 0xf" \(no close handshake\)$/m,
      );
      expect(client.stderr()).toBe(
        'wskit: protocol error: Invalid opcode 0xf (closed with 1002 (protocol error))\n',
      );
    });
  }

  it('exits 1 and prints the close code when a text message is not UTF-8', async () => {
    const port = await rawServer(new Uint8Array([0x81, 0x02, 0xc3, 0x28]), 50);
    const client = wskit(['connect', `ws://127.0.0.1:${port}/`, '--keep-open']);
    expect(await client.exited).toBe(1);
    expect(client.stderr()).toMatch(
      /^wskit: protocol error: .* \(closed with 1007 \(invalid payload data\)\)\n$/,
    );
  });

  it('exits 1 with the code and reason when the server closes with something else than 1000 or 1001', async () => {
    const server = await inProcessServer();
    server.on('connection', (socket) => socket.close(1008, 'no entry'));
    const client = wskit(['connect', `ws://127.0.0.1:${server.port}/`, '--keep-open']);
    expect(await client.exited).toBe(1);
    expect(client.stdout()).toContain('closed: 1008 (policy violation) "no entry"\n');
    expect(client.stderr()).toBe(
      'wskit: the server closed the connection with 1008 (policy violation) "no entry"\n',
    );
  });

  it('escapes control characters a server sends, so they cannot drive the terminal', async () => {
    const server = await inProcessServer();
    server.on('connection', (socket) => {
      void socket.send('\u001b[2J\u001b[31mred\r\nline\u0007');
      void socket.send(new Uint8Array(60).fill(0xab));
      socket.close(1000);
    });
    const client = wskit(['connect', `ws://127.0.0.1:${server.port}/`, '--keep-open']);
    expect(await client.exited).toBe(0);
    expect(client.stdout()).toContain('< text: \\u001b[2J\\u001b[31mred\\r\\nline\\u0007\n');
    expect(client.stdout()).toContain(`< binary, 60 bytes:${' ab'.repeat(48)} … (12 more bytes)\n`);
  });
});

describe('connect: request options', () => {
  it('sends -H headers and the -o origin, and offers the -s subprotocols in order', async () => {
    let seen: IncomingHttpHeaders | undefined;
    const server = await inProcessServer({
      verify: (request) => {
        seen = request.headers;
        return true;
      },
    });
    const client = wskit(
      [
        'connect',
        `ws://127.0.0.1:${server.port}/`,
        '-H',
        'Authorization: Bearer abc:def',
        '--header',
        'X-Trace:  42 ',
        '-o',
        'https://example.com',
        '-s',
        'b.v2',
        '-s',
        'a.v1',
        '--wait',
        '0',
      ],
      { stdin: '' },
    );
    expect(await client.exited).toBe(0);
    expect(seen).toMatchObject({
      authorization: 'Bearer abc:def',
      'x-trace': '42',
      origin: 'https://example.com',
      'sec-websocket-protocol': 'b.v2, a.v1',
    });
  });
});

describe('usage', () => {
  it.each([
    [['connect'], 'connect needs a URL'],
    [['connect', 'ftp://example.com/'], 'ftp: URLs are not WebSockets'],
    [['connect', 'ws://a/', 'ws://b/'], 'unexpected argument ws://b/'],
    [['connect', 'ws://a/', '--close', '1005'], '"1005" cannot be sent'],
    [['connect', 'ws://a/', '--close'], '--close takes a close code'],
    [['connect', 'ws://a/', '-H', 'no colon'], '--header takes "Name: value"'],
    [['connect', 'ws://a/', '-H', 'Upgrade: h2c'], 'upgrade header is set by the handshake'],
    [['connect', 'ws://a/', '--ping', 'soon'], '--ping takes a whole number of milliseconds'],
    [['connect', 'ws://a/', '--ca', '/nonexistent.pem'], 'cannot read --ca /nonexistent.pem'],
    [
      ['connect', 'ws://a/', '--frobnicate'],
      'unknown option --frobnicate (wskit connect --help for usage)\n',
    ],
    [['connect', 'ws://localhost:99999/'], 'port 99999 is out of range: a port is a number from 0 to 65535'],
    [['connect', 'localhost:80a'], '"80a" is not a port'],
    [['listen'], 'listen needs a port'],
    [['listen', '70000'], 'the port must be a number from 0 to 65535'],
    [['listen', '0', '--cert', 'x.pem'], '--cert and --key go together'],
    [['serve'], 'unknown command "serve"'],
  ])('wskit %j exits 2: %s', async (args, message) => {
    const run = wskit(args);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(message);
    expect(run.stderr()).toMatch(/^wskit: /);
  });

  it('prints help for wskit and each command, and the version', async () => {
    for (const [args, title] of [
      [['--help'], 'Usage: wskit <command>'],
      [['help', 'listen'], 'Usage: wskit listen <port>'],
      [['connect', '--help'], 'Usage: wskit connect <url>'],
      [['listen', '-h'], 'Usage: wskit listen <port>'],
    ] as const) {
      const run = wskit([...args]);
      expect(await run.exited).toBe(0);
      expect(run.stdout().startsWith(title), run.stdout()).toBe(true);
    }
    const version = wskit(['--version']);
    expect(await version.exited).toBe(0);
    expect(version.stdout()).toMatch(/^wskit \d+\.\d+\.\d+\n$/);
  });

  it('exits 1 when the port to listen on is in use', async () => {
    const taken = createNetServer();
    const port = await serve(taken);
    const run = wskit(['listen', String(port)]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toBe(`wskit: cannot listen on 127.0.0.1:${port}: the port is in use\n`);
  });
});

describe('colors', () => {
  it('are off when piped, on with FORCE_COLOR, and NO_COLOR wins', async () => {
    const server = await listen(['--echo']);
    const plain = wskit(['connect', server.url, '--wait', '0'], { stdin: '' });
    expect(await plain.exited).toBe(0);
    expect(plain.stdout()).not.toContain('\u001b[');

    const colored = wskit(['connect', server.url, '--wait', '0'], { stdin: '', env: { FORCE_COLOR: '1' } });
    expect(await colored.exited).toBe(0);
    expect(colored.stdout()).toContain('\u001b[32mconnected:\u001b[39m');

    const refused = wskit(['connect', server.url, '--wait', '0'], {
      stdin: '',
      env: { FORCE_COLOR: '1', NO_COLOR: '1' },
    });
    expect(await refused.exited).toBe(0);
    expect(refused.stdout()).not.toContain('\u001b[');
  });
});

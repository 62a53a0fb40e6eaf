// `node src/main.ts` with its flags: the URL it prints, shutdown on signals, and the errors it
// explains (exit 2) instead of starting.
import { createConnection, createServer } from 'node:net';
import { connect, DefaultServerOptions } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { MAIN, nextMessage, startEchoServer } from './echo-helpers.ts';
import { runApp } from './run-app.ts';

const deflateAvailable = 'perMessageDeflate' in DefaultServerOptions;

describe('node src/main.ts', () => {
  it('listens on 127.0.0.1 and prints the URL with the port --port 0 found, and its limits', async () => {
    const { app, url } = await startEchoServer();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    expect(url).not.toMatch(/:0\/$/);
    expect(app.output()).toContain('(node; 16 MiB messages, 4096 fragments)');
  });

  it('takes the timer flags: a keepalive ping arrives, and a head that never ends is cut', async () => {
    const { app, url } = await startEchoServer([
      '--keepalive-interval',
      '200ms',
      '--pong-timeout',
      '5s',
      '--handshake-timeout',
      '300ms',
    ]);
    expect(app.output()).toContain('keepalive 200 ms, pong timeout 5 s, handshake timeout 300 ms');
    const ws = await connect(url, { proxy: false });
    const pinged = new Promise((resolve) => ws.once('ping', resolve));
    await pinged;
    ws.terminate();
    const { port, hostname } = new URL(url);
    const slow = createConnection({ port: Number(port), host: hostname });
    slow.on('error', () => {});
    slow.write('GET / HTTP/1.1\r\nHost: x\r\n');
    await new Promise((resolve) => slow.once('close', resolve));
  });

  it('explains a bad timer flag', async () => {
    const app = runApp(MAIN, ['--pong-timeout', 'later']);
    expect(await app.exited).toBe(2);
    expect(app.output()).toContain('--pong-timeout must be a duration');
  });

  it('prints the --autobahn limits', async () => {
    const { app } = await startEchoServer(['--autobahn']);
    expect(app.output()).toContain('(node; 64 MiB messages, 100000 fragments)');
  });

  it('takes --host', async () => {
    const { url } = await startEchoServer(['--host', 'localhost']);
    expect(url).toMatch(/^ws:\/\/localhost:\d+\/$/);
    const ws = await connect(url, { proxy: false });
    const echoed = nextMessage(ws);
    await ws.send('over localhost');
    expect(await echoed).toBe('over localhost');
    ws.close(1000);
    await ws.closed;
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal} closes every connection with 1001 and exits with 0`, async () => {
      const { app, url } = await startEchoServer();
      const first = await connect(url, { proxy: false });
      const second = await connect(url, { proxy: false });
      app.child.kill(signal);
      for (const ws of [first, second]) {
        expect(await ws.closed).toMatchObject({ code: 1001, reason: 'server shutting down', wasClean: true });
      }
      expect(await app.exited).toBe(0);
      expect(app.output()).toContain(`echo-server: ${signal}: closing 2 connections with 1001 Going Away`);
      expect(app.output()).toContain('echo-server: stopped');
    });
  }

  it('logs each connection as it closes with --verbose', async () => {
    const { app, url } = await startEchoServer(['--verbose']);
    const ws = await connect(url, { proxy: false });
    const echoed = nextMessage(ws);
    await ws.send('one');
    await echoed;
    ws.close(4000, 'bye');
    await ws.closed;
    await app.waitFor(/echo-server: closed 4000 after 1 messages\n/);
  });

  it('prints the help with --help and exits with 0', async () => {
    const app = runApp(MAIN, ['--help']);
    expect(await app.exited).toBe(0);
    for (const flag of [
      '--port',
      '--host',
      '--autobahn',
      '--max-message-size',
      '--max-fragments',
      '--deflate',
    ]) {
      expect(app.output()).toContain(flag);
    }
    expect(app.output()).toContain('--runtime');
  });

  // `--deflate` works once @wskit/node has its `perMessageDeflate` option (test/deflate.test.ts);
  // until then it is refused.
  it.skipIf(deflateAvailable)('explains that --deflate is not available yet and exits with 2', async () => {
    const app = runApp(MAIN, ['--port', '0', '--deflate']);
    expect(await app.exited).toBe(2);
    expect(app.output()).toMatch(/--deflate: permessage-deflate is not available yet on node/);
  });

  it('passes the exit status of the Bun process on: --runtime bun --deflate exits with 2', async () => {
    const app = runApp(MAIN, ['--port', '0', '--runtime', 'bun', '--deflate']);
    expect(await app.exited).toBe(2);
    expect(app.output()).toMatch(/--deflate: permessage-deflate is not available yet on bun/);
  });

  for (const [args, message] of [
    [['--runtime', 'deno'], '--runtime must be one of node, bun, not "deno"'],
    [['--port', '70000'], '--port must be a number from 0 to 65535, not "70000"'],
    [['--port', 'x'], '--port must be a number from 0 to 65535'],
    [['--max-message-size', '12 parsecs'], '--max-message-size must be a positive size'],
    [['--max-message-size', '0'], '--max-message-size must be a positive size'],
    [['--max-fragments=-1'], '--max-fragments must be a positive whole number'],
    [['--nope'], "Unknown option '--nope'"],
  ] as const) {
    it(`refuses ${args.join(' ')} with exit 2`, async () => {
      const app = runApp(MAIN, args);
      expect(await app.exited).toBe(2);
      expect(app.output()).toContain(message);
    });
  }

  it('explains a port in use and exits with 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const app = runApp(MAIN, ['--port', String(port)]);
      expect(await app.exited).toBe(2);
      expect(app.output()).toContain(`port ${port} is in use`);
    } finally {
      blocker.close();
    }
  });
});

// `start`'s program as a child process: `node src/main.ts` with its flags, the URL it prints, and
// its shutdown on SIGTERM and SIGINT.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connect } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { defer } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

interface Running {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

function run(args: string[]): Running {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  });
  return { child, output: () => output, exited };
}

async function printedUrl(running: Running): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const match = /open (http:\/\/\S+) in/.exec(running.output());
    if (match) return match[1]!;
    if (Date.now() > deadline || running.child.exitCode !== null) {
      throw new Error(`no URL printed: ${running.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('node src/main.ts', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`listens on the free port --port 0 finds, prints it, and on ${signal} closes sessions with 1001`, async () => {
      const running = run(['--port', '0']);
      const url = await printedUrl(running);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(url).not.toMatch(/:0\/$/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      await page.text();

      const socket = await connect(`${url.replace('http:', 'ws:')}ws?name=Ada`);
      const welcome = new Promise<string>((resolve) =>
        socket.once('message', (data) => resolve(String(data))),
      );
      expect(JSON.parse(await welcome)).toMatchObject({ type: 'welcome', you: { name: 'Ada' } });

      running.child.kill(signal);
      expect(await socket.closed).toMatchObject({
        code: 1001,
        reason: 'server shutting down',
        wasClean: true,
      });
      expect(await running.exited).toBe(0);
      expect(running.output()).toContain(`${signal}: closing 1 connection with 1001 Going Away`);
      expect(running.output()).toContain('demo: stopped');
    });
  }

  it('takes --host', async () => {
    const running = run(['--port', '0', '--host', 'localhost']);
    expect(await printedUrl(running)).toMatch(/^http:\/\/localhost:\d+\/$/);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  it('explains a port in use', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    defer(() => new Promise((resolve) => blocker.close(resolve)));
    const { port } = blocker.address() as { port: number };
    const running = run(['--port', String(port)]);
    expect(await running.exited).toBe(2);
    expect(running.output()).toContain(`port ${port} is in use`);
  });

  it('prints its help, and refuses bad flags with exit code 2', async () => {
    const help = run(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain('--port <port>');
    const badPort = run(['--port', 'eighty']);
    expect(await badPort.exited).toBe(2);
    expect(badPort.output()).toContain('--port must be a number from 0 to 65535');
    const unknown = run(['--verbose']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain("Unknown option '--verbose'");
  });
});

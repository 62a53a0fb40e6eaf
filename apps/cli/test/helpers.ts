import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** The `wskit` command as a user runs it. */
export const BIN = fileURLToPath(new URL('../bin/wskit.mjs', import.meta.url));
/** A self-signed certificate for localhost, 127.0.0.1 and ::1, and its key. */
export const CERT = fileURLToPath(new URL('./fixtures/cert.pem', import.meta.url));
export const KEY = fileURLToPath(new URL('./fixtures/key.pem', import.meta.url));

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Registers a cleanup for the end of the current test (last registered runs first). */
export function defer(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** A running `wskit`. */
export interface Run {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** Waits until stdout matches `pattern`; returns the match. */
  waitFor(pattern: RegExp, timeout?: number): Promise<RegExpMatchArray>;
  /** Writes to stdin (spawned with `stdin: 'pipe'`). */
  write(text: string): void;
  /** Ends stdin. */
  end(): void;
}

/** The environment without what would change the output (colors, proxies). */
function cleanEnvironment(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY']) {
    delete env[name];
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * Runs `node bin/wskit.mjs ...args` (killed after the test if still running). `stdin`: a string
 * written then ended, `'pipe'` to write later, or `'ignore'`.
 */
export function wskit(
  args: string[],
  options: { stdin?: string | 'pipe' | 'ignore'; env?: Record<string, string | undefined> } = {},
): Run {
  const stdin = options.stdin ?? 'ignore';
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: [stdin === 'ignore' ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: cleanEnvironment(options.env ?? {}),
  });
  let stdout = '';
  let stderr = '';
  let wake = () => {};
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  child.stdin?.on('error', () => {});
  if (stdin !== 'ignore' && stdin !== 'pipe') child.stdin!.end(stdin);
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  });
  let done = false;
  void exited.then(() => {
    done = true;
    wake();
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitFor(pattern, timeout = 10_000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const match = pattern.exec(stdout);
        if (match) return match;
        if (done || Date.now() > deadline) {
          throw new Error(
            `wskit ${args.join(' ')}: no ${pattern} in stdout:\n${stdout}\nstderr:\n${stderr}${done ? '\n(exited)' : ''}`,
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 50);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    write: (text) => child.stdin!.write(text),
    end: () => child.stdin!.end(),
  };
}

/** Runs `wskit listen 0 ...args` and waits for its address. */
export async function listen(
  args: string[] = [],
  options: { stdin?: 'pipe' | 'ignore' } = {},
): Promise<Run & { readonly port: number; readonly url: string }> {
  const run = wskit(['listen', '0', ...args], options);
  const [, url, port] = await run.waitFor(/^listening: (wss?:\/\/127\.0\.0\.1:(\d+)\/)/m);
  return Object.assign(run, { port: Number(port), url: url! });
}

/** Listens on a free loopback port; closes the server (and its connections) after the test. */
export async function serve(server: NetServer | Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  defer(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as Partial<Server>).closeAllConnections?.();
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** The lines of `text` that start with `prefix`. */
export function linesStarting(text: string, prefix: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(prefix));
}

/**
 * Runs an app's `src/main.ts` as a child process for tests: its output, its exit, and a wait for a
 * line it prints. A child still running when its test ends is killed (`afterEach`), or, with
 * `{ until: 'file' }` (a shared server started in `beforeAll`), when its file ends. Exported as
 * `@wskit/echo-server/testing` for the Autobahn client's tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, afterEach } from 'vitest';

/** A running app. */
export interface RunningApp {
  readonly child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the exit code, or the signal's name when a signal ended it. */
  readonly exited: Promise<number | string>;
  /** Waits until the output matches `pattern` and returns the match; rejects when the app exits first. */
  waitFor(pattern: RegExp, timeout?: number): Promise<RegExpExecArray>;
}

const byTest = new Set<RunningApp>();
const byFile = new Set<RunningApp>();

async function killAll(apps: Set<RunningApp>): Promise<void> {
  const stopping = [...apps].map((app) => {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    return app.exited;
  });
  apps.clear();
  await Promise.all(stopping);
}

afterEach(() => killAll(byTest));
afterAll(() => killAll(byFile));

/** Starts `node <main> ...args` with the Node that runs the tests. */
export function runApp(
  main: string,
  args: readonly string[],
  { until = 'test' }: { until?: 'test' | 'file' } = {},
): RunningApp {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (text: string) => {
    output += text;
    for (const listener of listeners) listener();
  };
  child.stdout!.setEncoding('utf8').on('data', append);
  child.stderr!.setEncoding('utf8').on('data', append);
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const app: RunningApp = {
    child,
    output: () => output,
    exited,
    waitFor(pattern, timeout = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match === null) return;
          finish();
          resolve(match);
        };
        const finish = () => {
          listeners.delete(check);
          clearTimeout(timer);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no ${pattern} in the output within ${timeout} ms:\n${output}`));
        }, timeout);
        listeners.add(check);
        void exited.then((status) => {
          if (!listeners.has(check)) return;
          check();
          if (!listeners.has(check)) return;
          finish();
          reject(new Error(`exited (${status}) without printing ${pattern}:\n${output}`));
        });
        check();
      });
    },
  };
  (until === 'test' ? byTest : byFile).add(app);
  return app;
}

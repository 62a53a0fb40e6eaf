/**
 * Runtimes that need their own binary: `--runtime bun` needs the app to run under Bun. `start` runs
 * the app with Node, so {@link relaunchIfNeeded} runs the same script with the same arguments under
 * `bun` (the root `bun` devDependency, found from the workspace root, else `bun` on the PATH), forwards SIGINT and SIGTERM to it and exits with its status.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';

/** Runtimes that run only under their own binary, with what tells that the app runs under it. */
const binaries: Record<string, { readonly command: string; readonly running: () => boolean }> = {
  bun: { command: 'bun', running: () => process.versions.bun !== undefined },
};

/** Set in the relaunched app: it exits once its parent (the Node process that started it) is gone. */
const RelaunchedVariable = 'WSKIT_RELAUNCHED_BY';

/**
 * The binary called `command` from the nearest `node_modules` above this file: the package's own
 * executable (`node_modules/bun/bin/bun.exe`, so that signals reach it rather than a shell shim),
 * else `node_modules/.bin/<command>`, else `command` on the PATH.
 */
export function findBinary(command: string): string {
  for (let directory = import.meta.dirname; ; directory = dirname(directory)) {
    for (const candidate of [
      join(directory, 'node_modules', command, 'bin', `${command}.exe`),
      join(directory, 'node_modules', '.bin', command),
    ]) {
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(directory) === directory) return command;
  }
}

/**
 * Under the runtime `name` asks for (or for a runtime with no binary of its own): returns at once.
 * Otherwise never returns: runs `process.argv[1]` with the same arguments under the runtime's binary
 * and exits with its exit status (128 + the signal number when a signal ended it).
 */
export async function relaunchIfNeeded(name: string, label: string): Promise<void> {
  const binary = Object.hasOwn(binaries, name) ? binaries[name] : undefined;
  if (binary === undefined) return;
  if (binary.running()) {
    watchParent();
    return;
  }
  const child = spawn(findBinary(binary.command), [process.argv[1]!, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [RelaunchedVariable]: String(process.pid) },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const status = await new Promise<number>((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`${label}: --runtime ${name} needs ${binary.command}: ${error.message}\n`);
      resolve(2);
    });
    child.on('exit', (code, signal) =>
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal])),
    );
  });
  process.exit(status);
}

/** In a relaunched app: exit when the parent died without passing a signal on (SIGKILL). */
function watchParent(): void {
  const parent = Number(process.env[RelaunchedVariable]);
  if (!(parent > 0)) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(1);
    }
  }, 500);
  timer.unref();
}

#!/usr/bin/env node
// Builds the workspace packages an app uses (`turbo run build --filter=<app>^...`) and says what it
// is doing on stderr, one line as each package starts building and one as it is built, instead of
// turbo's banner and a long silence. Cached packages are counted, not listed. On a failure the
// failed packages' whole output is printed. Stdout stays the app's.
//
// Usage: node tooling/scripts/build-packages.mjs <package name> [--quiet]
//   --quiet: print nothing when every package is up to date (the CLI's route).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const target = args.find((arg) => !arg.startsWith('--'));
if (target === undefined) {
  process.stderr.write('usage: build-packages.mjs <package name> [--quiet]\n');
  process.exit(2);
}

const started = performance.now();
const local = join(root, 'node_modules', '.bin', 'turbo');
const turbo = spawn(
  existsSync(local) ? local : 'turbo',
  ['run', 'build', `--filter=${target}^...`, '--output-logs=new-only', '--ui=stream', '--log-order=stream'],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TURBO_TELEMETRY_DISABLED: '1',
      TURBO_PRINT_VERSION_DISABLED: '1',
      FORCE_COLOR: '0',
    },
  },
);

/** @type {Map<string, { lines: string[], cached: boolean, startedAt: number, built: boolean }>} */
const tasks = new Map();
/** Lines of turbo's own (not a task's): shown only when the build fails. */
const ownLines = [];
const say = (line) => process.stderr.write(`${line}\n`);
const seconds = (from) => `${((performance.now() - from) / 1000).toFixed(1)} s`;

function onLine(raw) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour sequences.
  const line = raw.replace(/\u001b\[[0-9;]*m/g, '');
  const match = /^(\S+?):build: ?(.*)$/.exec(line);
  if (match === null) {
    if (line.trim() !== '') ownLines.push(line);
    return;
  }
  const [, name, text] = match;
  let task = tasks.get(name);
  if (task === undefined) {
    const cached = /cache hit/.test(text);
    task = { lines: [], cached, startedAt: performance.now(), built: false };
    tasks.set(name, task);
    if (!cached) say(`building ${name} …`);
  }
  task.lines.push(text);
  if (!task.cached && !task.built && /DTS .*Build success/.test(text)) {
    task.built = true;
    say(`built ${name} (${seconds(task.startedAt)})`);
  }
}

createInterface({ input: turbo.stdout }).on('line', onLine);
createInterface({ input: turbo.stderr }).on('line', onLine);

const [status] = await new Promise((resolveExit) => turbo.on('close', (...result) => resolveExit(result)));
const cached = [...tasks.values()].filter((task) => task.cached).length;
const built = tasks.size - cached;
if (status !== 0) {
  for (const [name, task] of tasks) {
    if (task.cached || task.built) continue;
    say(`--- ${name}`);
    for (const line of task.lines) say(line);
  }
  for (const line of ownLines) say(line);
  say(`building the packages ${target} uses failed (turbo exited with ${status})`);
  process.exit(status ?? 1);
}
if (!quiet || built > 0) {
  say(`${built} package${built === 1 ? '' : 's'} built, ${cached} up to date (${seconds(started)})`);
}

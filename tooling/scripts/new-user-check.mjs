#!/usr/bin/env node
// The first hour of a new user, scripted: packs every public package (`pnpm pack`, as it would be
// published), installs each ALONE into a fresh project outside the workspace with npm (the wskit
// tarballs it needs, nothing from the registry for them; third-party dependencies, if any, come
// from the npm registry), runs its README's first example as printed, counts what got installed,
// measures the bundle budgets (tooling/scripts/size-budgets.mjs), runs the published `wskit` bin
// (`npx @wskit/cli connect`, then Ctrl-C), and writes the figures, next to ws's and undici's, into
// docs/new-user.md.
//
// The README's first example is its first block whose info string is exactly `ts` or `js` (a
// program, run with Node, or with Bun for a package whose engines name only Bun; `ts fragment` and
// `ts bun` blocks are not run here). Without one, the first `ts worker` block runs in workerd
// (Miniflare), its answer to `GET /` compared with its output block. Types are
// stripped with esbuild; it must exit 0 within 20 s, and when a `text output` block follows it,
// print exactly that. A package without such a block is reported as having none, not failed.
//
// Usage: node tooling/scripts/new-user-check.mjs [--no-write] [--keep]
//   (after the build). Exit status 1 when an install, an example, the bin or a budget fails.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, transform } from 'esbuild';
import { BUNDLES, measure } from './size-budgets.mjs';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const write = !process.argv.includes('--no-write');
const keep = process.argv.includes('--keep');
const EXAMPLE_TIMEOUT = 20_000;
const PNPM_VERSION = '10.34.9';

/** The environment for the projects: no proxies, no workspace resolution, no npm noise. */
const environment = {
  ...process.env,
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  npm_config_update_notifier: 'false',
};
for (const name of Object.keys(environment)) {
  if (/^(NODE_PATH|npm_config_|https?_proxy|no_proxy|PNPM_|npm_package_|npm_lifecycle_)/i.test(name)) {
    delete environment[name];
  }
}

/** The workspace's public packages: name, folder and @wskit dependencies. */
function publicPackages() {
  const found = [];
  for (const group of ['packages', 'apps']) {
    for (const dir of readdirSync(join(root, group))) {
      const folder = join(root, group, dir);
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      if (manifest.private) continue;
      // Its wskit dependencies and optional peers, and the wskit packages its README's install line
      // names beside it (`npm install @wskit/redis @wskit/node`): what a new user installs.
      const dependencies = [
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
        ...readmeInstalls(folder),
      ].filter(
        (name, index, all) =>
          name.startsWith('@wskit/') && name !== manifest.name && all.indexOf(name) === index,
      );
      found.push({ name: manifest.name, folder, dependencies });
    }
  }
  return found;
}

/** The package names of the first `npm install` line of a package's README (none without one). */
function readmeInstalls(folder) {
  let readme;
  try {
    readme = readFileSync(join(folder, 'README.md'), 'utf8');
  } catch {
    return [];
  }
  const line = /^\s*npm install\s+([^#\n]*)/m.exec(readme)?.[1] ?? '';
  return line.split(/\s+/).filter((word) => word !== '' && !word.startsWith('-'));
}

/** `pnpm pack` of every public package into `destination`; returns name → tarball path. */
async function pack(packages, destination) {
  const pnpm = process.env.npm_execpath?.includes('pnpm')
    ? [process.execPath, process.env.npm_execpath]
    : ['npx', '-y', `pnpm@${PNPM_VERSION}`];
  const filters = packages.flatMap((entry) => ['--filter', entry.name]);
  await run(pnpm[0], [...pnpm.slice(1), '-r', ...filters, 'pack', '--pack-destination', destination], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const tarballs = new Map();
  for (const entry of packages) {
    const prefix = `${entry.name.replace('@', '').replace('/', '-')}-`;
    const file = readdirSync(destination).find(
      (name) => name.startsWith(prefix) && /^\d/.test(name.slice(prefix.length)),
    );
    if (file === undefined) throw new Error(`pnpm pack made no tarball for ${entry.name}`);
    tarballs.set(entry.name, join(destination, file));
  }
  return tarballs;
}

/** `name` and every @wskit package it depends on, transitively. */
function closure(name, byName, into = new Set()) {
  if (into.has(name)) return into;
  into.add(name);
  for (const dependency of byName.get(name)?.dependencies ?? []) closure(dependency, byName, into);
  return into;
}

/** A fresh project in the temp directory, outside any workspace. */
function newProject(base, label) {
  const project = join(base, label.replace(/[@/]/g, '_'));
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'new-user', private: true, type: 'module' }, null, 2)}\n`,
  );
  return project;
}

/** `npm install` of `specs` in `project`. */
async function npmInstall(project, specs, { offline }) {
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...(offline ? ['--offline'] : []), ...specs],
    {
      cwd: project,
      env: environment,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

/** The installed packages (folders with a package.json under node_modules) and their bytes on disk. */
function installed(project) {
  let packages = 0;
  let bytes = 0;
  const walk = (dir, depth) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) walk(path, depth + 1);
      else bytes += statSync(path).size;
    }
  };
  const countIn = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith('@')) countIn(path);
      else {
        packages++;
        try {
          countIn(join(path, 'node_modules'));
        } catch {
          // No nested node_modules.
        }
      }
    }
  };
  const modules = join(project, 'node_modules');
  countIn(modules);
  walk(modules, 0);
  return { packages, bytes };
}

/**
 * The first block of a README whose info string is one of `infos` (`ts`/`js` by default), with the
 * `text output` block right after it, or undefined.
 */
export function firstExample(markdown, infos = ['ts', 'js']) {
  const blocks = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const open = /^(`{3,})(.*)$/.exec(lines[index]);
    if (!open) continue;
    const end = lines.findIndex((line, at) => at > index && line.trim() === open[1]);
    if (end === -1) break;
    blocks.push({ info: open[2].trim(), code: lines.slice(index + 1, end).join('\n'), line: index + 1 });
    index = end;
  }
  const at = blocks.findIndex((block) => infos.includes(block.info));
  if (at === -1) return undefined;
  const next = blocks[at + 1];
  return { ...blocks[at], output: next?.info === 'text output' ? next.code : undefined };
}

/** The workspace's pinned Bun (the `bun` devDependency), for packages that run on Bun only. */
const BUN = join(root, 'node_modules', '.bin', 'bun');

/** Runs `runtime args` in `cwd`; resolves with its exit code, stdout and stderr (killed after `timeout`). */
function runScript(runtime, args, cwd, timeout, input) {
  return new Promise((resolvePromise) => {
    const child = spawn(runtime, args, { cwd, env: environment, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? signal, stdout, stderr });
    });
  });
}

/** Runs the README's first example in `project`; returns `{ status, detail }`. */
async function runExample(project, name) {
  const installedAt = join(project, 'node_modules', ...name.split('/'));
  const readme = readFileSync(join(installedAt, 'README.md'), 'utf8');
  const { engines = {} } = JSON.parse(readFileSync(join(installedAt, 'package.json'), 'utf8'));
  // A package for Bun only (engines name bun, not node) runs its example with Bun, as its users do.
  const runtime = engines.bun !== undefined && engines.node === undefined ? BUN : process.execPath;
  const example = firstExample(readme);
  if (example === undefined) {
    const worker = firstExample(readme, ['ts worker']);
    if (worker !== undefined) return runWorkerExample(project, worker);
    return { status: 'none', detail: 'no `ts`/`js` block for Node' };
  }
  const { code } = await transform(example.code, { loader: 'ts', format: 'esm', target: 'node20' });
  writeFileSync(join(project, 'example.mjs'), code);
  const result = await runScript(runtime, ['example.mjs'], project, EXAMPLE_TIMEOUT);
  const where = `README.md line ${example.line}${runtime === BUN ? ', with Bun' : ''}`;
  if (result.code !== 0) {
    return {
      status: 'failed',
      detail: `${where}: exit ${result.code}: ${result.stderr.trim().split('\n').slice(0, 6).join(' | ')}`,
    };
  }
  if (example.output !== undefined && result.stdout.trimEnd() !== example.output.trimEnd()) {
    return {
      status: 'failed',
      detail: `${where}: printed ${JSON.stringify(result.stdout)}, the README says ${JSON.stringify(example.output)}`,
    };
  }
  return { status: 'ran', detail: where };
}

/**
 * Runs `command` in its own process group, sends a line and, once its echo is printed (the session
 * is running), sends the group SIGINT as a terminal's Ctrl-C does; resolves with its exit code (or
 * signal) and its output.
 */
function interrupt(command, cwd) {
  return new Promise((resolvePromise) => {
    const child = spawn(command[0], command.slice(1), {
      cwd,
      env: environment,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let signalled = false;
    const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), EXAMPLE_TIMEOUT);
    child.stdin.write('are you there\n');
    const collect = (data) => {
      output += data;
      if (!signalled && /< text: are you there/.test(output)) {
        signalled = true;
        process.kill(-child.pid, 'SIGINT');
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? signal, output });
    });
  });
}

/**
 * A README's first `ts worker` example (a Worker module), as a Workers user runs it: bundled from
 * the project's install by esbuild with the `workerd` condition, run in workerd (the workspace's
 * Miniflare) with `BACKEND` bound to a loopback echo server (the workspace's @wskit/node); its
 * answer to `GET /` must be the `text output` block that follows.
 */
async function runWorkerExample(project, example) {
  const where = `README.md line ${example.line}, in workerd`;
  const bundled = await build({
    stdin: { contents: example.code, resolveDir: project, sourcefile: 'example.ts', loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'import'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    write: false,
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0].text;
  const { createServer } = await import(
    pathToFileURL(join(root, 'packages', 'node', 'dist', 'index.js')).href
  );
  const { Miniflare } = await import('miniflare');
  const backend = createServer({ port: 0, host: '127.0.0.1' }, (peer) => {
    peer.on('message', (data) => void peer.send(data));
  });
  await once(backend, 'listening');
  let worker;
  try {
    worker = new Miniflare({
      compatibilityDate: '2024-09-23',
      modules: [{ type: 'ESModule', path: join(project, 'worker.js'), contents: script }],
      modulesRoot: project,
      bindings: { BACKEND: `ws://127.0.0.1:${backend.port}` },
      outboundService: { network: { allow: ['local'] } },
    });
    const response = await worker.dispatchFetch('http://localhost/');
    const answer = `${await response.text()}\n`;
    if (example.output !== undefined && answer.trimEnd() !== example.output.trimEnd()) {
      return {
        status: 'failed',
        detail: `${where}: answered ${JSON.stringify(answer)}, the README says ${JSON.stringify(example.output)}`,
      };
    }
    return { status: 'ran', detail: where };
  } catch (error) {
    return { status: 'failed', detail: `${where}: ${String(error).split('\n')[0]}` };
  } finally {
    await worker?.dispose().catch(() => {}); // after a failed start it rejects too
    await backend.close();
  }
}

/**
 * The published CLI as a user meets it: `npx @wskit/cli connect` to a local echo server (from the
 * same install), a line sent and echoed; then a session ended with Ctrl-C (SIGINT to its process
 * group, as a terminal sends it): exit 0 or 130, and no npm lifecycle noise.
 */
async function checkCli(project) {
  const server = join(project, 'echo-server.mjs');
  writeFileSync(
    server,
    `import { createServer } from '@wskit/node';
const server = createServer({ port: 0, host: '127.0.0.1' }, (peer) => peer.on('message', (data) => void peer.send(data)));
server.on('listening', () => console.log(server.port));
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
`,
  );
  const echo = spawn(process.execPath, [server], {
    cwd: project,
    env: environment,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [chunk] = await once(echo.stdout, 'data');
    const url = `ws://127.0.0.1:${String(chunk).trim()}/`;
    const npx = ['npx', '--no-install', '@wskit/cli', 'connect', url];
    const first = await new Promise((resolvePromise) => {
      const child = spawn(npx[0], npx.slice(1), {
        cwd: project,
        env: environment,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (data) => {
        output += data;
      });
      child.stderr.on('data', (data) => {
        output += data;
      });
      child.stdin.end('hello\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), EXAMPLE_TIMEOUT);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolvePromise({ code, output });
      });
    });
    if (first.code !== 0 || !first.output.includes('< text: hello')) {
      return {
        status: 'failed',
        detail: `npx @wskit/cli connect: exit ${first.code}: ${first.output.trim()}`,
      };
    }
    const details = [];
    for (const [label, command] of [
      ['wskit (the bin)', [join(project, 'node_modules', '.bin', 'wskit'), 'connect', url]],
      ['npx @wskit/cli', [...npx]],
    ]) {
      const interrupted = await interrupt([...command, '--keep-open'], project);
      // Ended by the SIGINT itself (npm exec does that) is what a shell reports as 130.
      const code = interrupted.code === 'SIGINT' ? 130 : interrupted.code;
      if (![0, 130].includes(code) || /ELIFECYCLE|npm error|npm ERR/.test(interrupted.output)) {
        return {
          status: 'failed',
          detail: `${label}, Ctrl-C: exit ${interrupted.code}: ${interrupted.output.trim()}`,
        };
      }
      if (
        label.startsWith('wskit') &&
        !/closing: 1000 \(normal closure\) "interrupted"/.test(interrupted.output)
      ) {
        return { status: 'failed', detail: `${label}, Ctrl-C: no close: ${interrupted.output.trim()}` };
      }
      details.push(`${label}, Ctrl-C: exit ${code}`);
    }
    return { status: 'ran', detail: `npx @wskit/cli connect echoed a line; ${details.join('; ')}` };
  } finally {
    echo.kill('SIGTERM');
  }
}

/**
 * A redis-server of our own on a free loopback port, without persistence, for @wskit/redis's first
 * example, which talks to the Redis at `REDIS_URL` (set here for the examples' environment).
 * Undefined when Debian's redis-server is missing (that example then fails with its connection error).
 */
async function startRedis() {
  const binary = '/usr/bin/redis-server';
  const probe = createNetServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  await new Promise((resolvePromise) => probe.close(resolvePromise));
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  let output = '';
  const ready = await new Promise((resolvePromise) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolvePromise(true);
    });
    child.once('error', () => resolvePromise(false));
    child.once('exit', () => resolvePromise(false));
  });
  if (!ready) return undefined;
  environment.REDIS_URL = `redis://127.0.0.1:${port}`;
  return {
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
const mib = (bytes) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : kib(bytes));

async function main() {
  const started = performance.now();
  const base = mkdtempSync(join(tmpdir(), 'wskit-new-user-'));
  let failed = 0;
  try {
    const packages = publicPackages();
    const byName = new Map(packages.map((entry) => [entry.name, entry]));
    const tarballDir = join(base, 'tarballs');
    mkdirSync(tarballDir);
    const tarballs = await pack(packages, tarballDir);
    console.log(`packed ${packages.length} packages`);

    const redis = await startRedis();
    const rows = [];
    for (const entry of packages) {
      const project = newProject(base, entry.name);
      const specs = [...closure(entry.name, byName)].map((name) => tarballs.get(name));
      const row = { name: entry.name, tarball: statSync(tarballs.get(entry.name)).size };
      try {
        // The wskit packages come from their tarballs; third-party ones (e.g. @redis/client) from the
        // registry, as a user's install gets them.
        await npmInstall(project, specs, { offline: false });
        Object.assign(row, installed(project));
        const example =
          entry.name === '@wskit/cli' ? await checkCli(project) : await runExample(project, entry.name);
        Object.assign(row, { example: example.status, detail: example.detail });
      } catch (error) {
        Object.assign(row, {
          example: 'failed',
          detail: `npm install: ${
            String(error.stderr || error.message)
              .trim()
              .split('\n')[0]
          }`,
        });
      }
      if (row.example === 'failed') failed++;
      console.log(`${row.name}: ${row.example}${row.detail ? ` (${row.detail})` : ''}`);
      rows.push(row);
    }
    await redis?.stop();

    const others = [];
    // undici 7: the major @wskit/node's optional peer dependency takes (for proxies).
    for (const [name, spec] of [
      ['ws', 'ws'],
      ['undici', 'undici@7'],
    ]) {
      const project = newProject(base, `compare-${name}`);
      await npmInstall(project, [spec], { offline: false });
      const version = JSON.parse(
        readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'),
      ).version;
      others.push({ name: `${name} ${version}`, ...installed(project) });
    }

    const bundles = [];
    for (const bundle of BUNDLES) {
      const size = await measure(bundle);
      // Above its ceiling (or its budget, without one) fails; see size-budgets.mjs.
      const limit = bundle.ceiling ?? bundle.budget;
      if (limit !== undefined && size.gzip > limit) failed++;
      bundles.push({ ...bundle, ...size, ok: bundle.budget === undefined || size.gzip <= bundle.budget });
    }

    const lines = [
      '# The first hour of a new user: installs and bundles',
      '',
      'Written by `tooling/scripts/new-user-check.mjs` (run by `.ci/run`; do not edit by hand). Every',
      'public package is packed (`pnpm pack`) and installed alone into a fresh project outside the',
      'workspace with `npm install` (its wskit dependencies from their tarballs, nothing else); then its',
      "README's first `ts`/`js` example runs as printed (for `@wskit/cli`: `npx @wskit/cli connect` to a",
      'local echo server, then Ctrl-C). `ws` and `undici` are installed from the npm registry the same way.',
      '',
      '| package | tarball | packages installed | node_modules | README example |',
      '| --- | ---: | ---: | ---: | --- |',
      ...rows.map(
        (row) =>
          `| \`${row.name}\` | ${kib(row.tarball)} | ${row.packages ?? '—'} | ${row.bytes === undefined ? '—' : mib(row.bytes)} | ${row.example}${row.detail ? `: ${row.detail.replaceAll('|', '\\|')}` : ''} |`,
      ),
      ...others.map(
        (other) => `| \`${other.name}\` (npm registry) | | ${other.packages} | ${mib(other.bytes)} | |`,
      ),
      '',
      '## Bundle sizes',
      '',
      'User code importing the package by name, bundled by esbuild (minified, tree-shaken; the code of',
      'each is in `tooling/scripts/size-budgets.mjs`), compressed with gzip -9. `node tooling/scripts/size-budgets.mjs --verbose`',
      'lists the modules that weigh most in each.',
      '',
      '| bundle | minified | min + gzip | budget |',
      '| --- | ---: | ---: | --- |',
      ...bundles.map(
        (bundle) =>
          `| ${bundle.name} | ${kib(bundle.minified)} | ${bundle.gzip} B | ${bundle.budget === undefined ? 'for comparison' : `${bundle.budget} B${bundle.ok ? '' : ` **over**: ${bundle.pending}`}`} |`,
      ),
      '',
    ];
    const table = lines.join('\n');
    if (write) writeFileSync(join(root, 'docs', 'new-user.md'), table);
    console.log(`\n${table}`);
    console.log(
      `new-user check: ${failed === 0 ? 'ok' : `${failed} failed`} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  } finally {
    if (!keep) rmSync(base, { recursive: true, force: true });
    else console.log(`kept ${base}`);
  }
  if (failed > 0) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

/**
 * The load benchmark: a load generator in C (`wsload.c`, compiled here) drives each server under
 * test, pinned to its own core, and checks every echo; the raw `net` echo is the ceiling in the same
 * run. Interleaved repetitions, medians and ranges, the servers' CPU next to the load generator's.
 * Also handshakes per second, idle memory per connection, permessage-deflate against ws, and the
 * clients against the C neutral server. Writes `results/load.json` and the load section of
 * `docs/benchmarks.md` with `docs/benchmarks.svg`.
 *
 *   node src/load/main.ts [--quick] [--repetitions 3] [--scenarios b,c,d,e] …   (see plan.ts)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAtomically, writeSection } from '../docs-section.ts';
import type { MemoryResult } from '../e2e/protocol.ts';
import { bufferutilVersion, wsVersion } from '../ws-reference.ts';
import { buildLoadGenerator, compilerVersion, findCompiler } from './build.ts';
import {
  type ClientName,
  describeScenario,
  HANDSHAKE_SERVERS,
  type LoadOptions,
  loadArguments,
  type Mode,
  parseLoadOptions,
  type Scenario,
} from './plan.ts';
import { canPin, hardFileLimit, type Launched, launch, loadCores, serverCores } from './processes.ts';
import { LOAD_CPU_FLAG, median, renderLoadMarkdown, renderLoadSvg } from './report.ts';
import type { LoadDocument, MemoryMeasurement, Sample, WsloadResult } from './results.ts';
import { bunBinary, isBunServer, type RunningServer, type ServerName, startServer } from './servers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const appDirectory = resolve(here, '../..');
const repositoryRoot = resolve(appDirectory, '../..');

function log(started: number, text: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`${seconds} s  ${text}\n`);
}

/** Rotates `items` by `by` and reverses every other call, so no contender always runs first. */
function interleave<T>(items: readonly T[], by: number): T[] {
  const shift = items.length === 0 ? 0 : by % items.length;
  const rotated = [...items.slice(shift), ...items.slice(0, shift)];
  return by % 2 === 1 ? rotated.reverse() : rotated;
}

/** CPU seconds (user + system) of `pids` so far, from /proc/<pid>/stat. */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100; // USER_HZ, 100 on Linux
}

/** Servers by name, started on first use, stopped at the end. */
class Servers {
  readonly #running = new Map<ServerName, RunningServer>();
  readonly loadGenerator: string;
  readonly cores: string;
  constructor(loadGenerator: string, cores = serverCores) {
    this.loadGenerator = loadGenerator;
    this.cores = cores;
  }

  async get(name: ServerName): Promise<RunningServer> {
    const running = this.#running.get(name);
    if (running !== undefined) return running;
    const started = await startServer(name, this.loadGenerator, this.cores);
    this.#running.set(name, started);
    return started;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#running.values()].map((server) => server.process.stop()));
    this.#running.clear();
  }
}

/** Runs the load generator once and returns its result line. */
async function runWsload(loadGenerator: string, argumentsList: string[]): Promise<WsloadResult> {
  const child = launch(loadGenerator, argumentsList, { cores: loadCores });
  try {
    const line = await child.next(120_000);
    if (line.type !== 'result') throw new Error(`wsload: unexpected ${JSON.stringify(line)}`);
    return line.result as WsloadResult;
  } finally {
    await child.stop();
  }
}

const common = (options: LoadOptions): string[] => [
  '--warmup',
  String(options.warmupSeconds),
  '--duration',
  String(options.durationSeconds),
];

async function throughput(
  options: LoadOptions,
  servers: Servers,
  loadGenerator: string,
  samples: Sample[],
  started: number,
): Promise<void> {
  let cell = 0;
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    for (const scenario of options.scenarios) {
      for (const mode of options.modes) {
        for (const name of interleave(options.servers, cell++)) {
          const server = await servers.get(name);
          const result = await runWsload(loadGenerator, [
            ...loadArguments(server.port, scenario, mode, name === 'net'),
            ...common(options),
            '--watch',
            server.process.tree().join(','),
          ]);
          samples.push(sampleOf('throughput', scenario, mode, name, repetition, result));
          log(
            started,
            `${scenario.name} ${mode.padEnd(6)} ${name.padEnd(11)} ${Math.round(result.rate).toString().padStart(8)} msg/s  server CPU ${pct(result.serverCpuShare)}  load CPU ${pct(result.loadCpuShare)}${result.loadCpuShare > LOAD_CPU_FLAG ? '  ⚠ load generator near saturation' : ''}`,
          );
        }
      }
    }
  }
}

const pct = (share: number): string => `${Math.round(share * 100)}%`.padStart(4);

function sampleOf(
  section: Sample['section'],
  scenario: Scenario | undefined,
  mode: Mode | undefined,
  subject: string,
  repetition: number,
  result: WsloadResult,
): Sample {
  return {
    section,
    scenario: scenario?.name,
    mode,
    subject,
    repetition,
    rate: result.rate,
    counted: result.counted,
    seconds: result.seconds,
    sent: result.sent,
    verified: result.verified,
    serverCpuShare: result.watched > 0 ? result.serverCpuShare : undefined,
    loadCpuShare: result.loadCpuShare,
  };
}

async function handshakes(
  options: LoadOptions,
  servers: Servers,
  loadGenerator: string,
  samples: Sample[],
  started: number,
): Promise<void> {
  const names = HANDSHAKE_SERVERS.filter((name) => options.servers.includes(name));
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    for (const name of interleave(names, repetition)) {
      const server = await servers.get(name);
      const result = await runWsload(loadGenerator, [
        'handshakes',
        '--port',
        String(server.port),
        '--concurrency',
        String(options.handshakeConcurrency),
        '--size',
        '64',
        ...common(options),
        '--watch',
        server.process.tree().join(','),
      ]);
      samples.push(sampleOf('handshakes', undefined, 'binary', name, repetition, result));
      log(
        started,
        `handshakes ${name.padEnd(11)} ${Math.round(result.rate)}/s  server CPU ${pct(result.serverCpuShare)}`,
      );
    }
  }
}

async function memory(
  options: LoadOptions,
  loadGenerator: string,
  started: number,
): Promise<MemoryMeasurement> {
  const hard = hardFileLimit();
  const wanted = options.memoryConnections;
  // Connections opened first and not counted: what a process spends once (code compiled on the
  // first connections, the malloc arenas of the compiler and GC threads, which vary by several MB
  // from run to run of the same server) stays out of the per-connection figure.
  const warmupWanted = Math.max(100, Math.round(wanted / 10));
  const margin = 256;
  const fits = (count: number): boolean =>
    !Number.isFinite(hard) || count + Math.max(100, count / 10) + margin <= hard;
  let connections = wanted;
  while (!fits(connections) && connections > 100) connections = Math.max(100, Math.floor(connections * 0.9));
  const warmup = connections === wanted ? warmupWanted : Math.max(100, Math.round(connections / 10));
  const files = connections + warmup + margin;
  const note =
    connections < wanted
      ? `scaled down from ${wanted} to ${connections} connections: the hard limit of open files is ${hard}`
      : undefined;
  const runs: Record<'wskit' | 'ws', MemoryResult[]> = { wskit: [], ws: [] };
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    const order = repetition % 2 === 0 ? (['ws', 'wskit'] as const) : (['wskit', 'ws'] as const);
    for (const server of order) {
      const memoryServer = launch(
        process.execPath,
        [
          '--expose-gc',
          resolve(appDirectory, 'src/e2e/memory-server.ts'),
          JSON.stringify({ server, connections, warmup }),
        ],
        { cores: serverCores, files },
      );
      const holders: Launched[] = [];
      try {
        for (const count of [warmup, connections]) {
          const ready = await memoryServer.next();
          if (ready.type !== 'ready') throw new Error(`memory server ${server}: ${JSON.stringify(ready)}`);
          const holder = launch(
            loadGenerator,
            ['hold', '--port', String(ready.port), '--connections', String(count)],
            { cores: loadCores, files },
          );
          holders.push(holder);
          await holder.next(120_000);
        }
        const result = await memoryServer.next(120_000);
        if (result.type !== 'result') throw new Error(`memory server ${server}: ${JSON.stringify(result)}`);
        runs[server].push(result.result as MemoryResult);
        log(started, `idle memory ${server} (${repetition + 1}): ${JSON.stringify(result.result)}`);
      } finally {
        for (const holder of holders) await holder.stop();
        await memoryServer.stop();
      }
    }
  }
  const summary = (results: MemoryResult[]): MemoryResult => {
    const field = (name: keyof MemoryResult): number => median(results.map((result) => result[name]));
    return {
      connections,
      rssBytesPerConnection: field('rssBytesPerConnection'),
      heapBytesPerConnection: field('heapBytesPerConnection'),
      externalBytesPerConnection: field('externalBytesPerConnection'),
    };
  };
  return {
    connections,
    requested: wanted,
    warmup,
    note,
    servers: { ws: summary(runs.ws), wskit: summary(runs.wskit) },
    runs,
  };
}

/** One run of e2e's client process (Node or Bun) against `port`; its messages/s. */
async function runClient(
  client: string,
  port: number,
  scenario: Scenario,
  text: boolean,
  deflate: boolean,
  options: LoadOptions,
  cores: string,
  watch: number[],
): Promise<{ rate: number; serverCpuShare: number }> {
  const bun = client.startsWith('bun-');
  const script = resolve(appDirectory, 'src/e2e', bun ? 'bun-client.ts' : 'node-client.ts');
  const environment = { ...process.env };
  delete environment.WS_NO_BUFFER_UTIL;
  const request = {
    client,
    port,
    connections: scenario.connections,
    depth: scenario.inflight,
    payloadBytes: scenario.size,
    text,
    deflate,
    warmupMs: options.warmupSeconds * 1000,
    measureMs: options.durationSeconds * 1000,
  };
  const child = launch(bun ? bunBinary() : process.execPath, [script, JSON.stringify(request)], {
    cores,
    environment,
  });
  const before = cpuSeconds(watch);
  const startedAt = performance.now();
  try {
    const line = await child.next(120_000);
    if (line.type !== 'result') throw new Error(`client ${client}: no result`);
    const seconds = (performance.now() - startedAt) / 1000;
    return {
      rate: (line.result as { messagesPerSecond: number }).messagesPerSecond,
      serverCpuShare: (cpuSeconds(watch) - before) / seconds,
    };
  } finally {
    await child.stop();
  }
}

async function clients(
  options: LoadOptions,
  loadGenerator: string,
  samples: Sample[],
  started: number,
  names: readonly ClientName[],
): Promise<void> {
  // The neutral server takes the load core; the client under test gets the server core.
  const neutralServers = new Servers(loadGenerator, loadCores);
  try {
    const neutral = await neutralServers.get('neutral');
    let cell = 0;
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      for (const scenario of options.clientScenarios) {
        for (const client of interleave(names, cell++)) {
          const result = await runClient(
            client,
            neutral.port,
            scenario,
            false,
            false,
            options,
            serverCores,
            neutral.process.tree(),
          );
          samples.push({
            section: 'client',
            scenario: scenario.name,
            mode: 'binary',
            subject: client,
            repetition,
            rate: result.rate,
            serverCpuShare: result.serverCpuShare,
          });
          log(
            started,
            `client ${scenario.name} ${client.padEnd(13)} ${Math.round(result.rate).toString().padStart(8)} msg/s  neutral server CPU ${pct(result.serverCpuShare)}`,
          );
        }
      }
    }
  } finally {
    await neutralServers.stopAll();
  }
}

async function deflate(
  options: LoadOptions,
  servers: Servers,
  samples: Sample[],
  started: number,
): Promise<void> {
  const pairs = [
    { subject: 'wskit', client: 'wskit', server: 'wskit-deflate' as const },
    { subject: 'ws', client: 'ws-bufferutil', server: 'ws-deflate' as const },
  ];
  let cell = 0;
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    for (const scenario of options.deflateScenarios) {
      for (const pair of interleave(pairs, cell++)) {
        const server = await servers.get(pair.server);
        const tree = server.process.tree();
        const result = await runClient(
          pair.client,
          server.port,
          scenario,
          true,
          true,
          options,
          loadCores,
          tree,
        );
        samples.push({
          section: 'deflate',
          scenario: scenario.name,
          mode: 'text',
          subject: pair.subject,
          repetition,
          rate: result.rate,
          serverCpuShare: result.serverCpuShare,
        });
        log(started, `deflate ${scenario.name} ${pair.subject.padEnd(6)} ${Math.round(result.rate)} msg/s`);
      }
    }
  }
}

function machine(): { cpu: string; cores: number } {
  let cpu = 'unknown';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout?.trim();
  return { cpu, cores: nproc ? Number(nproc) : availableParallelism() };
}

function bunVersion(): string | undefined {
  try {
    return execFileSync(bunBinary(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function gitCommit(): string | undefined {
  try {
    // The last commit that changed the code under test (the libraries and the echo server).
    const git = (...argumentsList: string[]): string =>
      execFileSync('git', argumentsList, { cwd: repositoryRoot, encoding: 'utf8' }).trim();
    const commit = git('log', '-1', '--format=%h', '--', 'packages', 'apps/echo-server');
    const dirty = git('status', '--porcelain', '--', 'packages', 'apps/echo-server') !== '';
    return dirty ? `${commit} with uncommitted changes` : commit;
  } catch {
    return undefined;
  }
}

/** Writes the load section of the Markdown document and the chart beside it. */
function writeDocs(document: LoadDocument, options: LoadOptions, markdown: string): string {
  const markdownPath = resolve(
    process.cwd(),
    options.markdownPath ?? resolve(repositoryRoot, 'docs/benchmarks.md'),
  );
  writeSection(markdownPath, 'load', markdown);
  writeAtomically(markdownPath.replace(/\.md$/, '.svg'), renderLoadSvg(document));
  return markdownPath;
}

async function main(): Promise<void> {
  const options = parseLoadOptions(process.argv.slice(2));
  if (options.renderPath !== undefined) {
    const document = JSON.parse(readFileSync(options.renderPath, 'utf8')) as LoadDocument;
    const servers = new Set(document.samples.map((item) => item.subject));
    options.servers = options.servers.filter((name) => servers.has(name));
    const path = writeDocs(document, options, renderLoadMarkdown(document, options));
    console.log(`Rendered ${options.renderPath} into ${path} (load section) and its .svg`);
    return;
  }
  const started = performance.now();
  const compiler = findCompiler();
  const loadGenerator = buildLoadGenerator(compiler);
  const bun = bunVersion();
  const notes: string[] = [];
  if (!canPin) notes.push('`taskset` is not available: servers and the load generator ran unpinned.');
  if (bun === undefined) {
    notes.push('Bun is not installed: the Bun rows are missing.');
    options.servers = options.servers.filter((name) => !isBunServer(name));
  }
  const clientNames = options.clients.filter((name) => bun !== undefined || !name.startsWith('bun-'));
  log(
    started,
    `wskit load benchmark${options.quick ? ' (quick)' : ''}: ${options.sections.join(', ')}; servers on core ${serverCores}, load on ${loadCores}${canPin ? '' : ' (unpinned: no taskset)'}`,
  );

  const samples: Sample[] = [];
  let memoryResult: MemoryMeasurement | undefined;
  const servers = new Servers(loadGenerator);
  try {
    if (options.sections.includes('throughput'))
      await throughput(options, servers, loadGenerator, samples, started);
    if (options.sections.includes('handshakes'))
      await handshakes(options, servers, loadGenerator, samples, started);
    await servers.stopAll();
    if (options.sections.includes('memory')) memoryResult = await memory(options, loadGenerator, started);
    if (options.sections.includes('deflate')) await deflate(options, servers, samples, started);
    await servers.stopAll();
    if (options.sections.includes('client'))
      await clients(options, loadGenerator, samples, started, clientNames);
  } finally {
    await servers.stopAll();
  }
  if (memoryResult?.note) notes.push(`Idle memory: ${memoryResult.note}.`);

  const seconds = (performance.now() - started) / 1000;
  const document: LoadDocument = {
    schema: 1,
    generatedAt: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'default',
    command: `npx pnpm@10.34.9 --filter @wskit/bench load${process.argv.slice(2).length > 0 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    durationSeconds: Math.round(seconds),
    commit: gitCommit(),
    machine: machine(),
    versions: {
      node: process.version,
      bun: bun ?? null,
      ws: wsVersion,
      bufferutil: bufferutilVersion() ?? null,
      undici: process.versions.undici ?? null,
      compiler: compiler === undefined ? null : compilerVersion(compiler),
    },
    pinned: canPin,
    cores: { server: serverCores, load: loadCores },
    settings: {
      repetitions: options.repetitions,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      scenarios: options.scenarios.map(describeScenario),
      handshakeConcurrency: options.handshakeConcurrency,
    },
    notes,
    samples,
    memory: memoryResult,
  };
  const jsonPath = resolve(process.cwd(), options.jsonPath ?? resolve(appDirectory, 'results/load.json'));
  writeAtomically(jsonPath, `${JSON.stringify(document, null, 2)}\n`);
  const markdown = renderLoadMarkdown(document, options);
  if (options.writeDocs)
    log(started, `wrote ${writeDocs(document, options, markdown)} (load section) and its .svg`);
  console.log(markdown);
  log(started, `results in ${jsonPath} (${seconds.toFixed(0)} s)`);
  if (!existsSync(jsonPath)) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});

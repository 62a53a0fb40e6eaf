/**
 * The end-to-end benchmark: echo round trips over loopback, wskit against ws, undici and Bun's
 * native WebSocket, plus the raw TCP ceiling, compressed scenarios and idle memory per connection.
 * Servers run in their own processes for the whole run; every measurement is a fresh client
 * process (so ws can load with or without bufferutil), and the contenders of a scenario run back to
 * back (in reversed order every other scenario) so that drift in the machine's speed falls on all.
 *
 *   node src/e2e/main.ts [--quick] [--groups client,server,bun,tcp,deflate,memory] [--json path] [--markdown path]
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoteHeadings, writeAtomically, writeSection } from '../docs-section.ts';
import { bufferutilVersion, wsVersion } from '../ws-reference.ts';
import { type Child, startChild } from './child.ts';
import type { LoadResult } from './load.ts';
import {
  type E2eOptions,
  type Pair,
  pairKey,
  parseE2eOptions,
  planRuns,
  type Scenario,
  scenarioKey,
} from './plan.ts';
import type { ClientKind, ClientRequest, MemoryResult, ServerKind, ServerRequest } from './protocol.ts';
import { buildComparisons, renderMarkdown, renderSvg } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const appDirectory = resolve(here, '../..');
const repositoryRoot = resolve(appDirectory, '../..');

/** The workspace's Bun binary (the root `bun` devDependency), or `bun` on the PATH. */
function bunBinary(): string {
  const local = resolve(repositoryRoot, 'node_modules/.bin/bun');
  return existsSync(local) ? local : 'bun';
}

const isBun = (kind: ClientKind | ServerKind): boolean => kind.startsWith('bun-');

/** The environment of a process: `WS_NO_BUFFER_UTIL` for the plain ws client only. */
function environmentFor(client: ClientKind | undefined): NodeJS.ProcessEnv {
  const environment = { ...process.env };
  if (client === 'ws') environment.WS_NO_BUFFER_UTIL = '1';
  else delete environment.WS_NO_BUFFER_UTIL;
  return environment;
}

/** Starts a script of this directory under Node or Bun. */
function startScript(
  script: string,
  request: unknown,
  bun: boolean,
  environment = environmentFor(undefined),
  flags: string[] = [],
): Child {
  const path = resolve(here, script);
  return bun
    ? startChild(bunBinary(), [path], request, environment)
    : startChild(process.execPath, [...flags, path], request, environment);
}

/** Servers by kind and compression, started on first use, stopped at the end. */
class Servers {
  readonly #running = new Map<string, { child: Child; port: number }>();

  async port(server: ServerKind, deflate: boolean): Promise<number> {
    const key = `${server}${deflate ? '+deflate' : ''}`;
    const running = this.#running.get(key);
    if (running !== undefined) return running.port;
    const request: ServerRequest = { server, deflate };
    const child = startScript(isBun(server) ? 'bun-server.ts' : 'node-server.ts', request, isBun(server));
    const ready = await child.next();
    if (ready.type !== 'ready') throw new Error(`${key} server did not start`);
    this.#running.set(key, { child, port: ready.port });
    return ready.port;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#running.values()].map((server) => server.child.stop()));
    this.#running.clear();
  }
}

/** One measurement: a client process against the pair's server. */
async function measure(
  servers: Servers,
  pair: Pair,
  scenario: Scenario,
  options: E2eOptions,
): Promise<LoadResult> {
  const request: ClientRequest = {
    client: pair.client,
    port: await servers.port(pair.server, pair.deflate),
    connections: scenario.connections,
    depth: scenario.depth,
    payloadBytes: scenario.payloadBytes,
    text: scenario.text,
    deflate: pair.deflate,
    warmupMs: options.warmupMs,
    measureMs: options.measureMs,
  };
  const child = startScript(
    isBun(pair.client) ? 'bun-client.ts' : 'node-client.ts',
    request,
    isBun(pair.client),
    environmentFor(pair.client),
  );
  try {
    const message = await child.next();
    if (message.type !== 'result') throw new Error('no result');
    return message.result as LoadResult;
  } finally {
    await child.stop();
  }
}

/** Idle memory per connection of one server, its clients in another process. */
async function measureMemory(server: 'wskit' | 'ws', connections: number): Promise<MemoryResult> {
  const memory = startScript('memory-server.ts', { server, connections }, false, undefined, ['--expose-gc']);
  let clients: Child | undefined;
  try {
    const ready = await memory.next();
    if (ready.type !== 'ready') throw new Error('memory server did not start');
    clients = startScript('idle-clients.ts', { port: ready.port, connections }, false);
    await clients.next();
    const message = await memory.next();
    if (message.type !== 'result') throw new Error('no memory result');
    return message.result as MemoryResult;
  } finally {
    await clients?.stop();
    await memory.stop();
  }
}

/** A latency for the log: `null` when no round trip completed in the window. */
const milliseconds = (value: number | null): string =>
  value === null ? '– (no round trip)' : `${value.toFixed(3)} ms`;

function log(started: number, text: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`${seconds} s  ${text}\n`);
}

async function main(): Promise<void> {
  const options = parseE2eOptions(process.argv.slice(2));
  const started = performance.now();
  log(
    started,
    `wskit end-to-end benchmark${options.quick ? ' (quick)' : ''}: groups ${options.groups.join(', ')}`,
  );

  const servers = new Servers();
  const scenarios: Array<Scenario & { key: string; runs: Record<string, LoadResult> }> = [];
  const memory: Partial<Record<'wskit' | 'ws', MemoryResult>> = {};
  try {
    const plan = planRuns(options);
    for (const [index, { scenario, pairs }] of plan.entries()) {
      const entry = { ...scenario, key: scenarioKey(scenario), runs: {} as Record<string, LoadResult> };
      const ordered = index % 2 === 0 ? pairs : [...pairs].reverse();
      for (const pair of ordered) {
        const result = await measure(servers, pair, scenario, options);
        entry.runs[pairKey(pair)] = result;
        log(
          started,
          `${entry.key.padEnd(24)} ${pairKey(pair).padEnd(30)} ${Math.round(result.messagesPerSecond).toString().padStart(8)} msg/s ${result.megabytesPerSecond.toFixed(1).padStart(8)} MB/s  p50 ${milliseconds(result.p50Ms)}  p99 ${milliseconds(result.p99Ms)}`,
        );
      }
      scenarios.push(entry);
    }
    if (options.groups.includes('memory')) {
      for (const server of ['ws', 'wskit'] as const) {
        memory[server] = await measureMemory(server, options.memoryConnections);
        log(started, `idle memory, ${server} server: ${JSON.stringify(memory[server])}`);
      }
    }
  } finally {
    await servers.stopAll();
  }

  const seconds = (performance.now() - started) / 1000;
  const comparisons = buildComparisons(scenarios);
  const document = {
    schema: 1,
    generatedAt: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'default',
    durationSeconds: Math.round(seconds * 10) / 10,
    environment: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model.trim(),
      cores: cpus().length,
    },
    versions: {
      ws: wsVersion,
      bufferutil: bufferutilVersion() ?? null,
      undici: process.versions.undici ?? null,
    },
    method: {
      windowMs: { warmup: options.warmupMs, measure: options.measureMs },
      throughput:
        'round trips completed in the timed window / its length (performance.now()); MB/s counts payload bytes (10^6) once',
      latency:
        'send to echo of each message in the window, pipeline queueing included; nearest-rank p50 and p99',
      ratios:
        'throughput: wskit / reference (>1: wskit faster); latency: reference / wskit (>1: wskit lower); memory: reference / wskit (>1: wskit smaller)',
      memoryConnections: options.memoryConnections,
    },
    scenarios,
    comparisons,
    memory,
  };
  const jsonPath = resolve(process.cwd(), options.jsonPath ?? resolve(appDirectory, 'results/e2e.json'));
  writeAtomically(jsonPath, `${JSON.stringify(document, null, 2)}\n`);
  const markdownPath = resolve(
    process.cwd(),
    options.markdownPath ?? resolve(repositoryRoot, 'docs/benchmarks.md'),
  );
  const markdown = renderMarkdown(document, comparisons, memory);
  // Its own section of the document; docs/benchmarks.svg belongs to the load benchmark.
  writeSection(markdownPath, 'e2e', demoteHeadings(markdown));
  if (options.svgPath !== undefined)
    writeAtomically(resolve(process.cwd(), options.svgPath), renderSvg(comparisons, memory));
  console.log(markdown);
  console.log(
    `Results written to ${jsonPath} and ${markdownPath}, its e2e section (${seconds.toFixed(1)} s)`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});

/**
 * What the end-to-end benchmark runs: the options, the scenarios (connections x payload), the
 * client/server pairs each group of comparisons needs, and the comparisons themselves.
 */
import { describeSize, parseSize } from '../options.ts';
import type { ClientKind, ServerKind } from './protocol.ts';

/** The groups of comparisons, in the order they are reported. */
export const GROUPS = ['client', 'server', 'bun', 'tcp', 'deflate', 'memory'] as const;
export type Group = (typeof GROUPS)[number];

export interface E2eOptions {
  quick: boolean;
  groups: Group[];
  connections: number[];
  sizes: number[];
  /** Text payload sizes of the compressed scenarios. */
  deflateSizes: number[];
  memoryConnections: number;
  warmupMs: number;
  measureMs: number;
  jsonPath: string | undefined;
  markdownPath: string | undefined;
  /** Where the bar chart of the ratios goes (none unless asked: docs/benchmarks.svg is the load benchmark's). */
  svgPath: string | undefined;
}

/** One client against one server. */
export interface Pair {
  client: ClientKind;
  server: ServerKind;
  deflate: boolean;
}

/** One load: connections, payload and how it is sent. */
export interface Scenario {
  connections: number;
  payloadBytes: number;
  text: boolean;
  deflate: boolean;
  depth: number;
}

/** wskit's pair against the reference pair, in one group. */
export interface Comparison {
  group: Exclude<Group, 'memory'>;
  /** The column of the report. */
  label: string;
  wskit: Pair;
  reference: Pair;
}

const pair = (client: ClientKind, server: ServerKind, deflate = false): Pair => ({ client, server, deflate });

/** The comparisons of each group. */
export const COMPARISONS: readonly Comparison[] = [
  { group: 'client', label: 'client vs ws', wskit: pair('wskit', 'ws'), reference: pair('ws', 'ws') },
  {
    group: 'client',
    label: 'client vs ws+bufferutil',
    wskit: pair('wskit', 'ws'),
    reference: pair('ws-bufferutil', 'ws'),
  },
  { group: 'client', label: 'client vs undici', wskit: pair('wskit', 'ws'), reference: pair('undici', 'ws') },
  {
    group: 'server',
    label: 'server vs ws server',
    wskit: pair('ws-bufferutil', 'wskit'),
    reference: pair('ws-bufferutil', 'ws'),
  },
  {
    group: 'bun',
    label: 'Bun vs Bun native',
    wskit: pair('bun-wskit', 'bun-wskit'),
    reference: pair('bun-native', 'bun-native'),
  },
  { group: 'tcp', label: 'share of raw TCP', wskit: pair('wskit', 'wskit'), reference: pair('tcp', 'tcp') },
  {
    group: 'deflate',
    label: 'deflate vs ws',
    wskit: pair('wskit', 'wskit', true),
    reference: pair('ws-bufferutil', 'ws', true),
  },
];

/** Messages in flight per connection, the same for every contender: fewer as payloads grow. */
export function pipelineDepth(payloadBytes: number): number {
  if (payloadBytes <= 1024) return 16;
  if (payloadBytes <= 64 * 1024) return 4;
  return 1;
}

/** A key naming a pair (`wskit>ws`, `wskit>wskit+deflate`). */
export function pairKey(value: Pair): string {
  return `${value.client}>${value.server}${value.deflate ? '+deflate' : ''}`;
}

/** A key naming a scenario (`64x1 KiB binary`). */
export function scenarioKey(value: Scenario): string {
  return `${value.connections}x${describeSize(value.payloadBytes)} ${value.text ? 'text' : 'binary'}${value.deflate ? ' deflate' : ''}`;
}

/** The scenarios and, for each, the pairs to run (each pair once, even when two comparisons share it). */
export function planRuns(options: E2eOptions): Array<{ scenario: Scenario; pairs: Pair[] }> {
  const runs: Array<{ scenario: Scenario; pairs: Pair[] }> = [];
  const add = (scenario: Scenario, comparisons: readonly Comparison[]): void => {
    const pairs = new Map<string, Pair>();
    for (const comparison of comparisons)
      for (const item of [comparison.wskit, comparison.reference]) pairs.set(pairKey(item), item);
    if (pairs.size > 0) runs.push({ scenario, pairs: [...pairs.values()] });
  };
  const plain = COMPARISONS.filter((item) => item.group !== 'deflate' && options.groups.includes(item.group));
  const deflate = COMPARISONS.filter(
    (item) => item.group === 'deflate' && options.groups.includes('deflate'),
  );
  for (const connections of options.connections) {
    for (const payloadBytes of options.sizes)
      add(
        { connections, payloadBytes, text: false, deflate: false, depth: pipelineDepth(payloadBytes) },
        plain,
      );
    for (const payloadBytes of options.deflateSizes)
      add(
        { connections, payloadBytes, text: true, deflate: true, depth: pipelineDepth(payloadBytes) },
        deflate,
      );
  }
  return runs;
}

const USAGE = `Usage: node src/e2e/main.ts [--quick] [--groups ${GROUPS.join(',')}] [--connections 1,64]
       [--sizes 16,1k,64k,1m] [--deflate-sizes 1k,64k] [--memory-connections 1000]
       [--json <path>] [--markdown <path>] [--svg <path>]

  --quick        a smoke run of a few seconds per group (numbers not worth quoting)
  --groups       which comparisons run (default all)
  --json         raw results (default results/e2e.json)
  --markdown     the ratio tables (default ../../docs/benchmarks.md, its e2e section)
  --svg          a bar chart of the ratios (none by default)`;

function list(text: string): string[] {
  return text.split(',').filter((item) => item !== '');
}

/** Parses the command line (a `--` that pnpm passes through is ignored). */
export function parseE2eOptions(argv: readonly string[]): E2eOptions {
  const quick = argv.includes('--quick');
  const options: E2eOptions = {
    quick,
    groups: [...GROUPS],
    connections: [1, 64],
    sizes: [16, 1024, 64 * 1024, 1024 * 1024],
    deflateSizes: [1024, 64 * 1024],
    memoryConnections: quick ? 200 : 1000,
    warmupMs: quick ? 60 : 300,
    measureMs: quick ? 150 : 1000,
    jsonPath: undefined,
    markdownPath: undefined,
    svgPath: undefined,
  };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const value = (): string => {
      const next = argv[++index];
      if (next === undefined) fail(`${argument} needs a value`);
      return next;
    };
    if (argument === '--' || argument === '--quick') continue;
    if (argument === '--groups')
      options.groups = list(value()).map((name) => {
        if (!(GROUPS as readonly string[]).includes(name)) fail(`Unknown group: ${name}`);
        return name as Group;
      });
    else if (argument === '--connections') options.connections = list(value()).map(Number);
    else if (argument === '--sizes') options.sizes = list(value()).map(parseSize);
    else if (argument === '--deflate-sizes') options.deflateSizes = list(value()).map(parseSize);
    else if (argument === '--memory-connections') options.memoryConnections = Number(value());
    else if (argument === '--json') options.jsonPath = value();
    else if (argument === '--markdown') options.markdownPath = value();
    else if (argument === '--svg') options.svgPath = value();
    else if (argument === '--help' || argument === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`Unknown option: ${argument}`);
  }
  if (options.connections.some((count) => !Number.isInteger(count) || count < 1)) fail('Bad --connections');
  if (!Number.isInteger(options.memoryConnections) || options.memoryConnections < 1)
    fail('Bad --memory-connections');
  return options;
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/**
 * What the load benchmark runs: the scenarios of issue 13 (b–e), the sections, and the options of
 * `node src/load/main.ts`.
 */
import { SERVERS, type ServerName } from './servers.ts';

/** A scenario: connections × payload bytes, messages in flight per connection. */
export interface Scenario {
  readonly name: string;
  readonly connections: number;
  readonly size: number;
  readonly inflight: number;
}

/** The scenarios of issue 13 (its scenario a, one connection, is not part of the goals). */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'b', connections: 64, size: 64, inflight: 1 },
  { name: 'c', connections: 64, size: 1024, inflight: 4 },
  { name: 'd', connections: 8, size: 64 * 1024, inflight: 2 },
  { name: 'e', connections: 2, size: 1024 * 1024, inflight: 1 },
];

/** The parts of a run, in the order they run and are reported. */
export const SECTIONS = ['throughput', 'handshakes', 'memory', 'deflate', 'client'] as const;
export type Section = (typeof SECTIONS)[number];

/** Payload kinds: binary frames of pseudo-random bytes, text frames of UTF-8. */
export const MODES = ['binary', 'text'] as const;
export type Mode = (typeof MODES)[number];

/**
 * The arguments of `wsload load` for `scenario` against `port`: the one place the echo scenarios
 * become a command line (`main.ts`, `profile.ts` and `compare-trees.ts` add their warm-up, duration
 * and `--watch`).
 */
export function loadArguments(port: number, scenario: Scenario, mode: Mode, raw = false): string[] {
  return [
    'load',
    '--port',
    String(port),
    '--connections',
    String(scenario.connections),
    '--size',
    String(scenario.size),
    '--inflight',
    String(scenario.inflight),
    ...(mode === 'text' ? ['--text'] : []),
    ...(raw ? ['--raw'] : []),
  ];
}

/** The servers of the handshake rows. */
export const HANDSHAKE_SERVERS: readonly ServerName[] = ['wskit', 'ws', 'bun-wskit', 'bun-native'];
/** The clients of the client rows (e2e's client processes), against the C neutral server. */
export const CLIENTS = ['wskit', 'ws-bufferutil', 'undici', 'bun-wskit', 'bun-native'] as const;
export type ClientName = (typeof CLIENTS)[number];

export interface LoadOptions {
  quick: boolean;
  repetitions: number;
  warmupSeconds: number;
  durationSeconds: number;
  scenarios: Scenario[];
  modes: Mode[];
  servers: ServerName[];
  /** The clients of the client rows. */
  clients: ClientName[];
  sections: Section[];
  /** Scenarios of the client and deflate rows. */
  clientScenarios: Scenario[];
  deflateScenarios: Scenario[];
  handshakeConcurrency: number;
  memoryConnections: number;
  jsonPath: string | undefined;
  markdownPath: string | undefined;
  /** Leave docs/ alone (JSON only). */
  writeDocs: boolean;
  /** Measure nothing: render the report of this results file again. */
  renderPath: string | undefined;
}

const USAGE = `Usage: node src/load/main.ts [--quick] [--repetitions 3] [--duration 2] [--warmup 0.5]
       [--scenarios b,c,d,e] [--modes binary,text] [--servers ${SERVERS.join(',')}]
       [--sections ${SECTIONS.join(',')}] [--clients ${CLIENTS.join(',')}] [--memory-connections 10000]
       [--json <path>] [--markdown <path>] [--no-docs] [--render <results.json>]

  --quick        a smoke run: one repetition of about a second per cell, scenarios b and d
                 (numbers not worth quoting)
  --json         raw results (default results/load.json)
  --markdown     the report (default ../../docs/benchmarks.md, its load section; the chart
                 docs/benchmarks.svg goes beside it)
  --no-docs      write the JSON only
  --render       measure nothing: write the report (and chart) of an earlier run's JSON again`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function pick<T extends string>(text: string, allowed: readonly T[], what: string): T[] {
  return text
    .split(',')
    .filter((item) => item !== '')
    .map((item) => {
      if (!(allowed as readonly string[]).includes(item)) fail(`Unknown ${what}: ${item}`);
      return item as T;
    });
}

const scenariosNamed = (names: readonly string[]): Scenario[] =>
  names.map((name) => SCENARIOS.find((item) => item.name === name) ?? fail(`Unknown scenario: ${name}`));

/** Parses the command line (a `--` that pnpm passes through is ignored). */
export function parseLoadOptions(argv: readonly string[]): LoadOptions {
  const quick = argv.includes('--quick');
  const options: LoadOptions = {
    quick,
    repetitions: quick ? 1 : 3,
    warmupSeconds: quick ? 0.2 : 0.5,
    durationSeconds: quick ? 0.8 : 2,
    scenarios: scenariosNamed(quick ? ['b', 'd'] : ['b', 'c', 'd', 'e']),
    modes: [...MODES],
    servers: [...SERVERS],
    clients: [...CLIENTS],
    sections: [...SECTIONS],
    clientScenarios: scenariosNamed(quick ? ['b'] : ['b', 'c', 'd', 'e']),
    deflateScenarios: scenariosNamed(quick ? ['c'] : ['c', 'd']),
    handshakeConcurrency: 16,
    memoryConnections: quick ? 500 : 10_000,
    jsonPath: undefined,
    markdownPath: undefined,
    writeDocs: true,
    renderPath: undefined,
  };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const value = (): string => argv[++index] ?? fail(`${argument} needs a value`);
    const positive = (text: string): number => {
      const number = Number(text);
      if (!(number > 0)) fail(`${argument} must be a positive number`);
      return number;
    };
    if (argument === '--' || argument === '--quick') continue;
    if (argument === '--repetitions') options.repetitions = Math.round(positive(value()));
    else if (argument === '--duration') options.durationSeconds = positive(value());
    else if (argument === '--warmup') options.warmupSeconds = positive(value());
    else if (argument === '--scenarios') {
      const chosen = scenariosNamed(pick(value(), ['b', 'c', 'd', 'e'], 'scenario'));
      options.scenarios = chosen;
      options.clientScenarios = chosen;
      options.deflateScenarios = chosen;
    } else if (argument === '--modes') options.modes = pick(value(), MODES, 'mode');
    else if (argument === '--servers') options.servers = pick(value(), SERVERS, 'server');
    else if (argument === '--sections') options.sections = pick(value(), SECTIONS, 'section');
    else if (argument === '--clients') options.clients = pick(value(), CLIENTS, 'client');
    else if (argument === '--memory-connections') options.memoryConnections = Math.round(positive(value()));
    else if (argument === '--json') options.jsonPath = value();
    else if (argument === '--markdown') options.markdownPath = value();
    else if (argument === '--no-docs') options.writeDocs = false;
    else if (argument === '--render') options.renderPath = value();
    else if (argument === '--help' || argument === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`Unknown option: ${argument}`);
  }
  return options;
}

/** `64 B`, `1 KiB`, `64 KiB`, `1 MiB`. */
export function describeBytes(size: number): string {
  if (size >= 1024 * 1024 && size % (1024 * 1024) === 0) return `${size / (1024 * 1024)} MiB`;
  if (size >= 1024 && size % 1024 === 0) return `${size / 1024} KiB`;
  return `${size} B`;
}

/** `b: 64 × 64 B, 1 in flight`. */
export function describeScenario(scenario: Scenario): string {
  return `${scenario.name}: ${scenario.connections} × ${describeBytes(scenario.size)}, ${scenario.inflight} in flight`;
}

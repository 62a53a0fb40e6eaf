/** Command-line options of the benchmark. */
import type { Budget } from './measure.ts';

/** The payload sizes of the issue: 16 B, 125 B, 1 KiB, 64 KiB, 1 MiB, 16 MiB. */
export const DEFAULT_SIZES = [16, 125, 1024, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024];

/** The suites, in the order they run. */
export const SUITES = ['decode', 'encode', 'fragmented', 'mask', 'utf8'] as const;
export type Suite = (typeof SUITES)[number];

export type Mode = 'quick' | 'default' | 'full';

/** Time per case by mode: the default run stays under a minute on a 2-core machine. */
export const BUDGETS: Record<Mode, Budget> = {
  quick: { warmupMs: 30, measureMs: 100, minSamples: 3, maxSamples: 200 },
  default: { warmupMs: 60, measureMs: 250, minSamples: 5, maxSamples: 1000 },
  full: { warmupMs: 300, measureMs: 1500, minSamples: 10, maxSamples: 5000 },
};

export interface Options {
  mode: Mode;
  sizes: number[];
  suites: Suite[];
  jsonPath: string | undefined;
}

const USAGE = `Usage: node src/main.ts [--quick | --full] [--sizes 16,125,1k,64k,1m,16m] [--suites ${SUITES.join(',')}] [--json <path>]

  --quick    a few seconds per suite, for a smoke run
  --full     about 5x the default time per case, for numbers to publish
  --sizes    payload sizes (suffix k = KiB, m = MiB); default all six of the issue
  --suites   which suites to run; default all
  --json     where to write the results (default results/codec.json)`;

/** Parses a size such as `125`, `64k` or `16m`. */
export function parseSize(text: string): number {
  const match = /^(\d+)\s*([km]?)i?b?$/i.exec(text.trim());
  if (match === null) throw new Error(`Invalid size: ${text}`);
  const unit = match[2]!.toLowerCase();
  return Number(match[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
}

/** A size for people: `16 B`, `64 KiB`, `16 MiB`. */
export function describeSize(size: number): string {
  if (size >= 1048576 && size % 1048576 === 0) return `${size / 1048576} MiB`;
  if (size >= 1024 && size % 1024 === 0) return `${size / 1024} KiB`;
  return `${size} B`;
}

/** Parses the command line, exiting with the usage on `--help` or an error. */
export function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    mode: 'default',
    sizes: DEFAULT_SIZES,
    suites: [...SUITES],
    jsonPath: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) fail(`${argument} needs a value`);
      return next;
    };
    // `pnpm start -- --quick` passes the `--` through.
    if (argument === '--') continue;
    if (argument === '--quick') options.mode = 'quick';
    else if (argument === '--full') options.mode = 'full';
    else if (argument === '--sizes') options.sizes = value().split(',').map(parseSize);
    else if (argument === '--json') options.jsonPath = value();
    else if (argument === '--suites') {
      options.suites = value()
        .split(',')
        .map((name) => {
          if (!(SUITES as readonly string[]).includes(name)) fail(`Unknown suite: ${name}`);
          return name as Suite;
        });
    } else if (argument === '--help' || argument === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`Unknown option: ${argument}`);
  }
  return options;
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

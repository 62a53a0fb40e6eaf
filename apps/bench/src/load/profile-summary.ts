/**
 * Reading a CPU profile (`node --cpu-prof`, `bun --cpu-prof`: the same `.cpuprofile` format) for
 * the load benchmark's profiler (`profile.ts`): self time per function, and the same time in a few
 * kinds (the socket's system calls, the collector, the runtime's own JavaScript, wskit's code…),
 * so that a server's CPU per message can be split into what any server pays and what ours adds.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  /** `file:line` (relative to the repository for its files), the runtime's module name, or empty. */
  where: string;
  milliseconds: number;
  /** Share of the busy (not idle) time. */
  share: number;
}

/**
 * Self time per function (name, file and line), largest first, with its share of the busy time:
 * samples from `fromMicroseconds` on (the profile's own clock: CLOCK_MONOTONIC in Node's profiles,
 * the Unix epoch in Bun's), `(idle)` left out.
 *
 * A sample stands for the time since the one before, at most four times the usual interval (the
 * median): Bun takes no sample while its event loop waits, so the first sample after a wait would
 * otherwise carry the whole wait (the time before the load started was once 18 % of a profile,
 * charged to the function that took the first connection). Node marks waits with `(idle)` samples.
 */
export function selfTimes(profile: CpuProfile, fromMicroseconds: number, repositoryRoot: string): SelfTime[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, { name: string; where: string; microseconds: number }>();
  const sorted = profile.timeDeltas.filter((delta) => delta > 0).sort((a, b) => a - b);
  const cap = sorted.length === 0 ? 0 : 4 * sorted[Math.floor(sorted.length / 2)]!;
  let all = 0;
  let time = profile.startTime;
  for (let index = 0; index < profile.samples.length; index++) {
    const elapsed = profile.timeDeltas[index] ?? 0;
    time += elapsed;
    const delta = Math.min(elapsed, cap);
    const frame = byNode.get(profile.samples[index]!)!.callFrame;
    if (time < fromMicroseconds || frame.functionName === '(idle)') continue;
    all += delta;
    const file = frame.url.startsWith('file://')
      ? relative(repositoryRoot, fileURLToPath(frame.url))
      : frame.url;
    const where = file === '' ? '' : `${file}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}@${where}`;
    const entry = totals.get(key) ?? { name: frame.functionName || '(anonymous)', where, microseconds: 0 };
    entry.microseconds += delta;
    totals.set(key, entry);
  }
  return [...totals.values()]
    .sort((a, b) => b.microseconds - a.microseconds)
    .map((entry) => ({
      name: entry.name,
      where: entry.where,
      milliseconds: entry.microseconds / 1000,
      share: all === 0 ? 0 : entry.microseconds / all,
    }));
}

/** The kinds of time {@link kindOf} sorts a function into, in the order they are reported. */
export const KINDS = [
  'socket writes',
  'outside JavaScript',
  'collector',
  'runtime',
  'wskit',
  'ws',
  'other',
] as const;
export type Kind = (typeof KINDS)[number];

/** What each kind holds, for the reports. */
export const KIND_NOTES: Record<Kind, string> = {
  'socket writes':
    "the native write calls and the system call inside them (Node's `writeBuffer`, `writev`, `write…String`; Bun's `write`)",
  'outside JavaScript':
    "`(program)`: the runtime's native code outside any JavaScript function: the event loop, reads (libuv's or Bun's), callbacks into JavaScript",
  collector: '`(garbage collector)`',
  runtime:
    "the runtime's own JavaScript and built-ins (Node's `node:` modules: streams, `nextTick`, `Buffer`; Bun's `node:` and `internal:` modules; native built-ins such as `subarray` or `Promise`)",
  wskit: "this repository's code: the packages and the server script itself",
  ws: 'ws and bufferutil',
  other: 'everything else',
};

const NODE_WRITES = new Set([
  'writeBuffer',
  'writev',
  'writeUtf8String',
  'writeLatin1String',
  'writeAsciiString',
]);

/** The kind of a function of {@link selfTimes}, from its name and where it is. */
export function kindOf(row: Pick<SelfTime, 'name' | 'where'>): Kind {
  const { name, where } = row;
  if (name === '(garbage collector)') return 'collector';
  if (name === '(program)') return 'outside JavaScript';
  const native = where === '' || where.startsWith('[native code]');
  if (native && (NODE_WRITES.has(name) || name === 'write')) return 'socket writes';
  if (where.startsWith('packages/') || where.startsWith('apps/')) return 'wskit';
  if (/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(ws|bufferutil)\//.test(where)) return 'ws';
  if (where.startsWith('node:') || where.startsWith('internal:') || native) return 'runtime';
  return 'other';
}

/** The busy time split by {@link kindOf}: each kind's share (0 for kinds with no time). */
export function kindShares(rows: readonly SelfTime[]): Record<Kind, number> {
  const shares = Object.fromEntries(KINDS.map((kind) => [kind, 0])) as Record<Kind, number>;
  for (const row of rows) shares[kindOf(row)] += row.share;
  return shares;
}

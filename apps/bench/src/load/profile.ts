/**
 * Profiles a server under the load generator: starts it with `node --cpu-prof` pinned to the server
 * core, drives it with `wsload` (scenario c by default), stops it (the profile is written on exit)
 * and prints the functions with the most self time.
 *
 *   node src/load/profile.ts [--server wskit|wskit-event|ws] [--scenario c|handshakes] [--text] [--duration 10] [--top 30]
 *
 * `--scenario handshakes` drives `wsload handshakes` (16 at a time: connect, upgrade, one 64 B
 * message, Close) instead of an echo scenario; `--server ws` profiles ws + bufferutil, for comparison.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildLoadGenerator } from './build.ts';
import { loadArguments, SCENARIOS } from './plan.ts';
import { launch, loadCores, serverCores } from './processes.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = resolve(here, '../../../..');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function (name, file and line), largest first, with its share of the busy time:
 * samples from `fromMicroseconds` on (the profile's clock, CLOCK_MONOTONIC), `(idle)` left out.
 */
export function selfTimes(
  profile: CpuProfile,
  fromMicroseconds = 0,
): Array<{ name: string; where: string; milliseconds: number; share: number }> {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, { name: string; where: string; microseconds: number }>();
  let all = 0;
  let time = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    time += delta;
    const frame = byNode.get(id)!.callFrame;
    if (time < fromMicroseconds || frame.functionName === '(idle)') return;
    all += delta;
    const file = frame.url.startsWith('file://')
      ? relative(repositoryRoot, fileURLToPath(frame.url))
      : frame.url;
    const where = file === '' ? '' : `${file}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}@${where}`;
    const entry = totals.get(key) ?? { name: frame.functionName || '(anonymous)', where, microseconds: 0 };
    entry.microseconds += delta;
    totals.set(key, entry);
  });
  return [...totals.values()]
    .sort((a, b) => b.microseconds - a.microseconds)
    .map((entry) => ({
      name: entry.name,
      where: entry.where,
      milliseconds: entry.microseconds / 1000,
      share: entry.microseconds / all,
    }));
}

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'wskit' },
    scenario: { type: 'string', default: 'c' },
    text: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    top: { type: 'string', default: '30' },
  },
});
const handshakes = values.scenario === 'handshakes';
const scenario = SCENARIOS.find((item) => item.name === values.scenario);
if (scenario === undefined && !handshakes) throw new Error(`unknown scenario ${values.scenario}`);
const scripts: Record<string, string[]> = {
  wskit: [resolve(repositoryRoot, 'apps/echo-server/src/main.ts'), '--port', '0'],
  'wskit-event': [resolve(here, 'event-server.ts')],
  ws: [resolve(here, '../e2e/node-server.ts'), JSON.stringify({ server: 'ws', deflate: false })],
};
const script = scripts[values.server];
if (script === undefined) throw new Error('--server must be wskit, wskit-event or ws');

const loadGenerator = buildLoadGenerator();
const directory = mkdtempSync(join(tmpdir(), 'wskit-profile-'));
const server = launch(process.execPath, ['--cpu-prof', '--cpu-prof-dir', directory, ...script], {
  cores: serverCores,
  cwd: repositoryRoot,
});
const ready = await server.next();
// The profile's timestamps are CLOCK_MONOTONIC microseconds, as process.hrtime's.
const loadStarted = Number(process.hrtime.bigint() / 1000n);
const load = launch(
  loadGenerator,
  [
    ...(scenario === undefined
      ? [
          'handshakes',
          '--port',
          String(ready.port),
          '--concurrency',
          '16',
          '--size',
          '64',
          ...(values.text ? ['--text'] : []),
        ]
      : loadArguments(ready.port as number, scenario, values.text ? 'text' : 'binary')),
    '--warmup',
    '1',
    '--duration',
    values.duration,
    '--watch',
    String(server.pid),
  ],
  { cores: loadCores },
);
const result = await load.next(120_000);
await load.stop();
await server.stop();
console.log(`load: ${JSON.stringify(result.result)}`);
const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
if (file === undefined) throw new Error(`no profile written in ${directory}`);
const rows = selfTimes(JSON.parse(readFileSync(join(directory, file), 'utf8')) as CpuProfile, loadStarted);
console.log(`profile: ${join(directory, file)}\n`);
console.log('Self time from the start of the load on, as a share of the busy (not idle) time:\n');
console.log('| self % | self ms | function | where |\n| ---: | ---: | --- | --- |');
for (const row of rows.slice(0, Number(values.top)))
  console.log(
    `| ${(row.share * 100).toFixed(1)} | ${row.milliseconds.toFixed(0)} | \`${row.name}\` | ${row.where} |`,
  );

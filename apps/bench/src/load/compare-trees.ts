/**
 * Server CPU per message of the echo server of several checkouts, interleaved: how one commit's
 * hot path compares with another's, measured the way the load benchmark measures servers (the
 * echo server pinned to the server core, `wsload load` on the other, binary or text frames).
 * Server CPU seconds per verified message is steadier than messages per second when the machine
 * is shared, and it is what a change to the hot path moves.
 *
 *   node src/load/compare-trees.ts --trees before=/path/to/old/checkout,after=/path/to/repo \
 *     [--scenarios b,c,d,e] [--modes binary,text] [--repetitions 3] [--duration 4]
 *
 * Each tree is a built checkout of this repository (`git worktree add`, then `pnpm install` and the
 * packages' build): its `apps/echo-server/src/main.ts` is run with this Node. A tree may name another
 * server script of its own after a colon, relative to its root
 * (`event=/repo:apps/bench/src/load/event-server.ts`). Prints every run, then the medians.
 */
import { parseArgs } from 'node:util';
import { buildLoadGenerator } from './build.ts';
import { loadArguments, SCENARIOS } from './plan.ts';
import { launch, loadCores, serverCores } from './processes.ts';

const { values } = parseArgs({
  options: {
    trees: { type: 'string' },
    scenarios: { type: 'string', default: 'b,c,d,e' },
    modes: { type: 'string', default: 'binary' },
    repetitions: { type: 'string', default: '3' },
    duration: { type: 'string', default: '4' },
  },
});
if (values.trees === undefined) {
  console.error('usage: node src/load/compare-trees.ts --trees name=/checkout[:script],name=/checkout …');
  process.exit(2);
}

interface Tree {
  readonly name: string;
  readonly root: string;
  readonly script: string;
}

const trees: Tree[] = values.trees.split(',').map((item) => {
  const [name, rest] = item.split('=');
  const [root, script] = (rest ?? '').split(':');
  if (!name || !root) throw new Error(`--trees: '${item}' is not name=/path[:script]`);
  return { name, root, script: script ?? 'apps/echo-server/src/main.ts' };
});
const scenarios = values.scenarios.split(',').map((name) => {
  const scenario = SCENARIOS.find((candidate) => candidate.name === name);
  if (scenario === undefined) throw new Error(`--scenarios: no scenario '${name}'`);
  return scenario;
});
const modes = values.modes.split(',');
const loadGenerator = buildLoadGenerator();
const results = new Map<string, number[]>();

for (let repetition = 0; repetition < Number(values.repetitions); repetition++) {
  for (const scenario of scenarios) {
    for (const mode of modes) {
      for (const tree of trees) {
        const echoServer = tree.script === 'apps/echo-server/src/main.ts';
        const server = launch(
          process.execPath,
          [`${tree.root}/${tree.script}`, ...(echoServer ? ['--port', '0'] : [])],
          { cores: serverCores, cwd: tree.root },
        );
        const ready = await server.next();
        const load = launch(
          loadGenerator,
          [
            ...loadArguments(ready.port as number, scenario, mode === 'text' ? 'text' : 'binary'),
            '--warmup',
            '2',
            '--duration',
            values.duration,
            '--watch',
            String(server.pid),
          ],
          { cores: loadCores },
        );
        const result = (await load.next(120_000)).result as {
          verified: number;
          serverCpuSeconds: number;
          rate: number;
          serverCpuShare: number;
        };
        await load.stop();
        await server.stop();
        const perMessage = (result.serverCpuSeconds * 1e6) / result.verified;
        const key = `${scenario.name} ${mode} ${tree.name}`;
        results.set(key, [...(results.get(key) ?? []), perMessage]);
        console.log(
          `${key}: ${perMessage.toFixed(2)} µs/msg (${Math.round(result.rate)} msg/s, server CPU ${Math.round(result.serverCpuShare * 100)} %)`,
        );
      }
    }
  }
}

console.log('\nmedians (server CPU µs per message):');
for (const [key, runs] of results) {
  const sorted = [...runs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(`${key}: ${median.toFixed(2)} [${sorted.map((run) => run.toFixed(2)).join(', ')}]`);
}

/**
 * Profiles a server under the load generator: starts it with `--cpu-prof` (Node or Bun) pinned to
 * the server core, drives it with `wsload` (scenario c by default), stops it (the profile is written
 * on exit) and prints the functions with the most self time, then the server's CPU per message split
 * into kinds of time (socket writes, outside JavaScript, the collector, the runtime's JavaScript,
 * wskit's code, ws): what every server on that runtime pays, and what each adds.
 *
 *   node src/load/profile.ts [--server wskit|wskit-event|ws|net|bun-wskit|bun-native|bun-tcp]
 *        [--scenario b|c|d|e|handshakes] [--text] [--duration 10] [--top 30] [--json FILE]
 *
 * `--scenario handshakes` drives `wsload handshakes` (16 at a time: connect, upgrade, one 64 B
 * message, Close) instead of an echo scenario; `--server ws` profiles ws + bufferutil, `net` the raw
 * Node echo (`--raw` load: the ceiling), `bun-wskit` `apps/echo-server --runtime bun` and
 * `bun-native` `Bun.serve`, as the load benchmark runs them, and `bun-tcp` a raw `Bun.listen` echo
 * (Bun's ceiling, as `net` is Node's). `--json FILE` appends the split as one JSON line. The
 * shares come from sampling (every millisecond): a profile is a guide to where time goes, the CPU
 * per message is the measure. Bun's profiles name no collector and no native code outside
 * JavaScript: there, that time falls to the function on top of the stack.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildLoadGenerator } from './build.ts';
import { loadArguments, SCENARIOS } from './plan.ts';
import { launch, loadCores, serverCores } from './processes.ts';
import { type CpuProfile, KIND_NOTES, KINDS, kindShares, selfTimes } from './profile-summary.ts';
import { bunBinary } from './servers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = resolve(here, '../../../..');

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'wskit' },
    scenario: { type: 'string', default: 'c' },
    text: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    top: { type: 'string', default: '30' },
    json: { type: 'string' },
  },
});
const handshakes = values.scenario === 'handshakes';
const scenario = SCENARIOS.find((item) => item.name === values.scenario);
if (scenario === undefined && !handshakes) throw new Error(`unknown scenario ${values.scenario}`);
const echoServer = resolve(repositoryRoot, 'apps/echo-server/src/main.ts');
const e2eServer = (runtime: string, server: string): string[] => [
  resolve(here, `../e2e/${runtime}-server.ts`),
  JSON.stringify({ server, deflate: false }),
];
const servers: Record<string, { runtime: 'node' | 'bun'; script: string[] }> = {
  wskit: { runtime: 'node', script: [echoServer, '--port', '0'] },
  'wskit-event': { runtime: 'node', script: [resolve(here, 'event-server.ts')] },
  ws: { runtime: 'node', script: e2eServer('node', 'ws') },
  net: { runtime: 'node', script: e2eServer('node', 'tcp') },
  'bun-wskit': { runtime: 'bun', script: [echoServer, '--runtime', 'bun', '--port', '0'] },
  'bun-native': { runtime: 'bun', script: e2eServer('bun', 'bun-native') },
  'bun-tcp': { runtime: 'bun', script: e2eServer('bun', 'tcp') },
};
const chosen = servers[values.server];
if (chosen === undefined) throw new Error(`--server must be one of ${Object.keys(servers).join(', ')}`);
const raw = values.server === 'net' || values.server === 'bun-tcp';
if (raw && handshakes) throw new Error('the raw net echo has no handshakes to profile');

const loadGenerator = buildLoadGenerator();
const directory = mkdtempSync(join(tmpdir(), 'wskit-profile-'));
const server = launch(
  chosen.runtime === 'bun' ? bunBinary() : process.execPath,
  ['--cpu-prof', '--cpu-prof-dir', directory, ...chosen.script],
  { cores: serverCores, cwd: repositoryRoot },
);
const ready = await server.next();
// The profile's timestamps: CLOCK_MONOTONIC microseconds in Node's (as process.hrtime's), the Unix
// epoch in Bun's.
const loadStarted = chosen.runtime === 'bun' ? Date.now() * 1000 : Number(process.hrtime.bigint() / 1000n);
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
      : loadArguments(ready.port as number, scenario, values.text ? 'text' : 'binary', raw)),
    '--warmup',
    '1',
    '--duration',
    values.duration,
    '--watch',
    server.tree().join(','),
  ],
  { cores: loadCores },
);
const result = await load.next(120_000);
await load.stop();
await server.stop();
console.log(`load: ${JSON.stringify(result.result)}`);
const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
if (file === undefined) throw new Error(`no profile written in ${directory}`);
const rows = selfTimes(
  JSON.parse(readFileSync(join(directory, file), 'utf8')) as CpuProfile,
  loadStarted,
  repositoryRoot,
);
console.log(`profile: ${join(directory, file)}\n`);
console.log('Self time from the start of the load on, as a share of the busy (not idle) time:\n');
console.log('| self % | self ms | function | where |\n| ---: | ---: | --- | --- |');
for (const row of rows.slice(0, Number(values.top)))
  console.log(
    `| ${(row.share * 100).toFixed(1)} | ${row.milliseconds.toFixed(0)} | \`${row.name}\` | ${row.where} |`,
  );

// The split: the server's CPU per message (from the load generator's reading of /proc over the
// measured window) times each kind's share of the profile.
const measured = result.result as { counted: number; serverCpuSeconds: number; serverCpuShare: number };
const perMessage = measured.counted > 0 ? (measured.serverCpuSeconds * 1e6) / measured.counted : 0;
const shares = kindShares(rows);
console.log(
  `\nServer CPU per ${handshakes ? 'handshake cycle' : 'message'}: ${perMessage.toFixed(2)} µs ` +
    `(server at ${(measured.serverCpuShare * 100).toFixed(0)} % of its core), by kind:\n`,
);
console.log('| kind | share | µs | what |\n| --- | ---: | ---: | --- |');
for (const kind of KINDS) {
  if (shares[kind] === 0) continue;
  console.log(
    `| ${kind} | ${(shares[kind] * 100).toFixed(1)} % | ${(shares[kind] * perMessage).toFixed(2)} | ${KIND_NOTES[kind]} |`,
  );
}
if (values.json !== undefined) {
  const line = {
    server: values.server,
    scenario: values.scenario,
    text: values.text,
    microsecondsPerMessage: perMessage,
    serverCpuShare: measured.serverCpuShare,
    shares,
  };
  appendFileSync(values.json, `${JSON.stringify(line)}\n`);
}

/**
 * The fan-out benchmark: one publisher to many subscribers.
 *
 *   node src/fanout/main.ts [--subscribers 1000,10000] [--messages 100] [--size 64] [--no-redis] [--no-bun]
 *
 * In one process (the server in a child process, the subscribers in another): wskit's
 * `server.publish` (framed once), a loop of `send` over wskit's `server.clients`, the same loop over
 * `ws`'s `wss.clients`, and Bun.serve's own `publish` under Bun. Across 3 processes: wskit with
 * `@wskit/redis` (a fast topic) on a redis-server started for the run, subscribers spread evenly,
 * the publisher on the first process. Reports delivered messages per second and publish-to-delivery
 * latency p50/p99 (under the burst: queueing included). A shared machine makes the figures
 * provisional: compare contenders of one run, not runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = resolve(here, '../../../..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1]!;
};
const subscriberCounts = option('subscribers', '1000,10000').split(',').map(Number);
const messages = Number(option('messages', '100'));
const size = Number(option('size', '64'));
// The binary itself, not node_modules/.bin's shell wrapper: killing the wrapper would leave Bun running.
const bun = existsSync(resolve(repositoryRoot, 'node_modules/bun/bin/bun.exe'))
  ? resolve(repositoryRoot, 'node_modules/bun/bin/bun.exe')
  : 'bun';

function start(command: string, argv: string[]): { child: ChildProcess; output: Promise<string> } {
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const output = once(child, 'exit').then(() => text);
  return { child, output };
}

async function startServer(command: string, argv: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolvePort, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((each) => each.startsWith('{"port"'));
      if (line) resolvePort((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited with ${code}`)));
  });
  return { child, port };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

interface Result {
  readonly seconds: number;
  readonly delivered: number;
  readonly p50: number;
  readonly p99: number;
}

async function measure(ports: number[], subscribers: number): Promise<Result> {
  const request = JSON.stringify({ ports, subscribers, messages, size });
  const { output } = start(process.execPath, [resolve(here, 'clients.ts'), request]);
  return JSON.parse((await output).trim().split('\n').at(-1)!) as Result;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

const rows: string[] = [];
function report(name: string, subscribers: number, result: Result): void {
  const rate = Math.round(result.delivered / result.seconds);
  const row = `| ${name} | ${subscribers} | ${rate.toLocaleString('en-US')} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} |`;
  rows.push(row);
  console.log(row);
}

console.log(`fan-out: ${messages} messages of ${size} B per run\n`);
console.log('| contender | subscribers | delivered msg/s | p50 ms | p99 ms |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const subscribers of subscriberCounts) {
  const contenders: [string, string, string[]][] = [
    ['wskit server.publish', process.execPath, [resolve(here, 'server.ts'), 'wskit-publish']],
    ['wskit loop over clients', process.execPath, [resolve(here, 'server.ts'), 'wskit-loop']],
    ['ws loop over clients', process.execPath, [resolve(here, 'server.ts'), 'ws-loop']],
  ];
  if (!args.includes('--no-bun'))
    contenders.push(['Bun.serve publish', bun, [resolve(here, 'bun-server.ts')]]);
  for (const [name, command, argv] of contenders) {
    const { child, port } = await startServer(command, argv);
    try {
      report(name, subscribers, await measure([port], subscribers));
    } finally {
      await stop(child);
    }
  }
  if (args.includes('--no-redis') || !existsSync('/usr/bin/redis-server')) continue;
  const redisPort = await freePort();
  const redis = spawn(
    '/usr/bin/redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await new Promise((done) => setTimeout(done, 300));
  const servers = await Promise.all(
    [0, 1, 2].map(() =>
      startServer(process.execPath, [
        resolve(here, 'server.ts'),
        'wskit-redis',
        `redis://127.0.0.1:${redisPort}`,
      ]),
    ),
  );
  try {
    report(
      'wskit + @wskit/redis, 3 processes',
      subscribers,
      await measure(
        servers.map((each) => each.port),
        subscribers,
      ),
    );
  } finally {
    for (const { child } of servers) await stop(child);
    await stop(redis);
  }
}

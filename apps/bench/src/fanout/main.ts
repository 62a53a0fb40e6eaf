/**
 * The fan-out benchmark: one publisher to many subscribers.
 *
 *   node src/fanout/main.ts [--subscribers 1000,10000] [--messages 100] [--size 64] [--repeat 2]
 *                           [--no-redis] [--no-bun]
 *
 * In one process (the server in a child process, the subscribers in another): wskit's
 * `server.publish` (framed once), a loop of `send` over wskit's `server.clients`, the same loop over
 * `ws`'s `wss.clients`, and Bun.serve's own `publish` under Bun. Across 3 processes: wskit with
 * `@wskit/redis` (a fast topic) on a redis-server started for the run, subscribers spread evenly,
 * the publisher on the first process. Every server publishes one message per turn of its event loop.
 *
 * The subscribers are one Node process of `ws` clients, on the same 2 cores: when it is the busier
 * process, the delivered rate measures it rather than the server. So the table leads with the
 * servers' CPU time per delivered message (user + system over the window, from /proc), which does
 * not depend on who waits for whom, and shows both processes' CPU share so that a reader sees which
 * one was the bottleneck. Each contender runs `repeat` times in rotated order; medians. A shared
 * machine makes the figures provisional: compare contenders of one run (ratios), not runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bunBinary } from '../load/servers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1]!;
};
const subscriberCounts = option('subscribers', '1000,10000').split(',').map(Number);
const messages = Number(option('messages', '100'));
const size = Number(option('size', '64'));
const repeat = Number(option('repeat', '2'));
const bun = bunBinary();

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
  /** CPU seconds of the server processes (and Redis) from `go` to the last delivery. */
  readonly serverCpu: number;
  /** CPU seconds of the subscribers' process over the same window. */
  readonly clientsCpu: number;
}

async function measure(ports: number[], pids: number[], subscribers: number): Promise<Result> {
  const request = JSON.stringify({ ports, pids, subscribers, messages, size });
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

/** `items` rotated by `by` and, every other time, reversed: no contender always runs first or last. */
function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  const rotated = [...items.slice(shift), ...items.slice(0, shift)];
  return by % 2 === 1 ? rotated.reverse() : rotated;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One contender: how to start its server processes (and stop them), given the run's Redis. */
interface Contender {
  readonly name: string;
  run(subscribers: number): Promise<Result>;
}

function single(name: string, command: string, argv: string[]): Contender {
  return {
    name,
    async run(subscribers) {
      const { child, port } = await startServer(command, argv);
      try {
        return await measure([port], [child.pid!], subscribers);
      } finally {
        await stop(child);
      }
    },
  };
}

/** wskit with @wskit/redis over 3 processes and a redis-server of its own (its CPU counts too). */
const throughRedis: Contender = {
  name: 'wskit + @wskit/redis, 3 processes',
  async run(subscribers) {
    const redisPort = await freePort();
    const redis = spawn(
      '/usr/bin/redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
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
      return await measure(
        servers.map((each) => each.port),
        [...servers.map((each) => each.child.pid!), redis.pid!],
        subscribers,
      );
    } finally {
      for (const { child } of servers) await stop(child);
      await stop(redis);
    }
  },
};

const contenders: Contender[] = [
  single('wskit server.publish', process.execPath, [resolve(here, 'server.ts'), 'wskit-publish']),
  single('wskit loop over clients', process.execPath, [resolve(here, 'server.ts'), 'wskit-loop']),
  single('ws loop over clients', process.execPath, [resolve(here, 'server.ts'), 'ws-loop']),
];
if (!args.includes('--no-bun'))
  contenders.push(single('Bun.serve publish', bun, [resolve(here, 'bun-server.ts')]));
if (!args.includes('--no-redis') && existsSync('/usr/bin/redis-server')) contenders.push(throughRedis);

const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(
  `fan-out: ${messages} messages of ${size} B, one per turn of the event loop; ${repeat} repetitions ` +
    `(order rotated), medians; load average before: ${load()}\n`,
);
console.log(
  "| contender | subscribers | delivered msg/s | server CPU µs per delivery | ÷ ws (CPU) | server CPU | subscribers' CPU | p50 ms | p99 ms |",
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const subscribers of subscriberCounts) {
  const results = new Map<string, Result[]>(contenders.map((each) => [each.name, []]));
  for (let repetition = 0; repetition < repeat; repetition++) {
    for (const contender of rotate(contenders, repetition)) {
      results.get(contender.name)!.push(await contender.run(subscribers));
    }
  }
  const cpuPerDelivery = (each: Result): number => (each.serverCpu * 1e6) / each.delivered;
  const wsCpu = median(results.get('ws loop over clients')!.map(cpuPerDelivery));
  for (const { name } of contenders) {
    const runs = results.get(name)!;
    const rate = median(runs.map((each) => each.delivered / each.seconds));
    const cpu = median(runs.map(cpuPerDelivery));
    const serverShare = median(runs.map((each) => each.serverCpu / each.seconds));
    const clientsShare = median(runs.map((each) => each.clientsCpu / each.seconds));
    const p50 = median(runs.map((each) => each.p50));
    const p99 = median(runs.map((each) => each.p99));
    const percent = (share: number): string => `${Math.round(share * 100)} %`;
    console.log(
      `| ${name} | ${subscribers} | ${Math.round(rate).toLocaleString('en-US')} | ${cpu.toFixed(2)} | ` +
        `${(cpu / wsCpu).toFixed(2)} | ${percent(serverShare)} | ${percent(clientsShare)} | ` +
        `${p50.toFixed(1)} | ${p99.toFixed(1)} |`,
    );
  }
}
console.log(`\nload average after: ${load()}`);

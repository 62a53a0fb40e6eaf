/**
 * The subscribers of the fan-out benchmark, in one process of their own: `node clients.ts '<json>'`
 * with `{ ports, pids, subscribers, messages, size }`. Opens `subscribers` ws clients spread over the
 * ports (`/sub`), then a control client on the first port, says `go`, and waits until every
 * subscriber has every message. Prints `{ seconds, delivered, p50, p99, serverCpu, clientsCpu }`:
 * deliveries per second come from the first `go` to the last delivery; latency is each delivery's
 * receive time minus the send time the server wrote into the message (one clock: every process is
 * on this machine); `serverCpu` is the CPU seconds (user + system) the processes in `pids` (the
 * servers, and Redis) used over that window, `clientsCpu` this process's own.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

interface Request {
  readonly ports: number[];
  readonly pids: number[];
  readonly subscribers: number;
  readonly messages: number;
  readonly size: number;
}

/** CPU seconds (user + system, all threads) of `pids` so far, from /proc/<pid>/stat. */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100; // USER_HZ, 100 on Linux
}

function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

const request = JSON.parse(process.argv[2] ?? '{}') as Request;
const now = (): number => performance.timeOrigin + performance.now();

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const latencies = new Float64Array(request.subscribers * request.messages);
let delivered = 0;
let allDone!: () => void;
const done = new Promise<void>((resolve) => {
  allDone = resolve;
});
const sockets: WebSocket[] = [];
for (let start = 0; start < request.subscribers; start += 200) {
  const batch: Promise<WebSocket>[] = [];
  for (let index = start; index < Math.min(start + 200, request.subscribers); index++) {
    const port = request.ports[index % request.ports.length]!;
    batch.push(open(`ws://127.0.0.1:${port}/sub`));
  }
  sockets.push(...(await Promise.all(batch)));
}
for (const ws of sockets) {
  ws.on('message', (data: Buffer) => {
    latencies[delivered++] = now() - data.readDoubleBE(0);
    if (delivered === latencies.length) allDone();
  });
}
// Subscriptions through a broker settle asynchronously: give them a moment before the first message.
await new Promise((resolve) => setTimeout(resolve, 500));
const control = await open(`ws://127.0.0.1:${request.ports[0]}/control`);
const serverCpuBefore = cpuSeconds(request.pids);
const clientsCpuBefore = ownCpuSeconds();
const started = now();
control.send(`go:${request.messages}:${request.size}`);
await done;
const seconds = (now() - started) / 1000;
const serverCpu = cpuSeconds(request.pids) - serverCpuBefore;
const clientsCpu = ownCpuSeconds() - clientsCpuBefore;
latencies.sort();
const quantile = (q: number): number =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
console.log(
  JSON.stringify({ seconds, delivered, p50: quantile(0.5), p99: quantile(0.99), serverCpu, clientsCpu }),
);
for (const ws of [...sockets, control]) ws.terminate();

// Issue 17, measurement 6: the memory an idle connection holds on the server. The server runs in a
// child process (so the clients' memory is not counted); the bound is on its V8 heap and external
// memory per connection after full collections. The benchmark (apps/bench, memory group) reports the
// figures beside ws's; this test only keeps them from growing.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { upgradeRequest } from '@wskit/tooling/cve-attacks';
import { expect, it } from 'vitest';
import { defer } from '../helpers.js';

const CONNECTIONS = 500;
/**
 * Per idle connection: the socket, the decoder state and the session object; buffers, queues,
 * pipelines, promises and topic state come on first use. Measured 4.4–4.5 KiB here (500 connections;
 * the benchmark's 10 000 give 2.9 KiB of heap, ws 2.6 KiB); it was 12 KiB before those were lazy.
 */
const BOUND = 6 * 1024;

it(`holds at most ${BOUND / 1024} KiB of heap and external memory per idle connection`, async () => {
  const child = fork(new URL('../fixtures/idle-server.ts', import.meta.url), {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  defer(() => child.kill());
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const sockets: Socket[] = [];
  defer(() => {
    for (const socket of sockets) socket.destroy();
  });
  const answered: Promise<unknown>[] = [];
  for (let index = 0; index < CONNECTIONS; index++) {
    const socket = netConnect({ port, host: '127.0.0.1' });
    socket.on('error', () => {});
    sockets.push(socket);
    answered.push(once(socket, 'data'));
    socket.write(upgradeRequest());
    if (index % 50 === 49) await answered[index];
  }
  await Promise.all(answered);
  child.send({ measure: CONNECTIONS });
  const [grew] = (await once(child, 'message')) as [{ heap: number; external: number; rss: number }];
  const perConnection = (grew.heap + grew.external) / CONNECTIONS;
  console.log(
    `idle memory per connection: heap ${(grew.heap / CONNECTIONS / 1024).toFixed(1)} KiB, external ` +
      `${(grew.external / CONNECTIONS / 1024).toFixed(1)} KiB, rss ${(grew.rss / CONNECTIONS / 1024).toFixed(1)} KiB`,
  );
  expect(perConnection).toBeLessThanOrEqual(BOUND);
}, 60_000);

// Every fenced block of the README, checked by its info string (see @wskit/tooling/readme-blocks).
// The quick start talks to a real redis-server that this test starts on a free loopback port and
// hands to the block as REDIS_URL.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { testReadme } from '@wskit/tooling/readme-blocks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, haveRedis, REDIS_SERVER } from './helpers.js';

let redis: ReturnType<typeof spawn> | undefined;

beforeAll(async () => {
  expect(haveRedis, `${REDIS_SERVER} is missing: CI installs Debian's redis-server`).toBe(true);
  const port = await freePort();
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  redis = child;
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
});

afterAll(async () => {
  delete process.env.REDIS_URL;
  if (redis && redis.exitCode === null) {
    redis.kill('SIGKILL');
    await once(redis, 'exit');
  }
});

testReadme(new URL('../README.md', import.meta.url), { it });

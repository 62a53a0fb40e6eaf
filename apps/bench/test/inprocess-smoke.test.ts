/**
 * A smoke run of the in-process echo (`src/inprocess/echo.ts`) on Node and on Bun, in every role
 * and style: it checks that messages go round and the figures come out, not what they are.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { bunBinary } from '../src/load/servers.ts';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../src/inprocess/echo.ts');

interface Result {
  role: string;
  style: string;
  messages: number;
  messagesPerSecond: number;
  cpuNanosecondsPerMessage: number;
}

const cases = [
  ['server', 'event', '64', '1'],
  ['client', 'iterate', '1024', '4'],
  ['server', 'iterate', '70000', '2'],
] as const;

test.each(cases)(
  '%s, %s style, %s B × %s in flight: messages go round on Node and Bun',
  async (role, style, size, inflight) => {
    for (const runtime of [process.execPath, bunBinary()]) {
      const { stdout } = await run(runtime, [
        script,
        ...['--role', role, '--style', style, '--size', size, '--inflight', inflight],
        ...['--connections', '4', '--seconds', '0.2', '--json'],
      ]);
      const result = JSON.parse(stdout) as Result;
      expect(result).toMatchObject({ role, style });
      expect(result.messages, runtime).toBeGreaterThan(0);
      expect(result.messagesPerSecond).toBeGreaterThan(0);
      expect(result.cpuNanosecondsPerMessage).toBeGreaterThan(0);
    }
  },
  30_000,
);

const floorScript = resolve(import.meta.dirname, '../src/inprocess/floor.ts');

test('the floor (the codec alone) decodes and encodes every scenario on Node and Bun', async () => {
  for (const runtime of [process.execPath, bunBinary()]) {
    const { stdout } = await run(runtime, [floorScript, '--seconds', '0.05', '--json']);
    const results = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(results.map((result) => result.scenario)).toEqual(['b', 'c', 'd', 'e']);
    for (const result of results) {
      expect(result.messages, runtime).toBeGreaterThan(0);
      expect(result.cpuNanosecondsPerMessage).toBeGreaterThan(0);
      // Only d and e span reads, so only they have an assembly figure.
      if (result.scenario === 'd' || result.scenario === 'e')
        expect(result.assemblyNanosecondsPerMessage).toBeGreaterThan(0);
      else expect(result.assemblyNanosecondsPerMessage).toBeUndefined();
    }
  }
}, 60_000);

test('the floor refuses an unknown scenario with a usage line', async () => {
  await expect(run(process.execPath, [floorScript, '--scenario', 'z'])).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringContaining('Unknown scenario: z'),
  });
});

test('refuses an unknown option value with a usage line', async () => {
  await expect(run(process.execPath, [script, '--style', 'sideways'])).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringContaining('Unknown style: sideways'),
  });
});

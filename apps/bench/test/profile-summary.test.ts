/**
 * The profiler's reading of a CPU profile: self times from a start time on, idle left out, and the
 * kinds of time the load benchmark's "where the time goes" tables are made of.
 */
import { expect, test } from 'vitest';
import { type CpuProfile, kindOf, kindShares, selfTimes } from '../src/load/profile-summary.ts';

const root = '/repo';

/** A profile whose samples are, in order, the frames named, each `delta` µs after the one before. */
function profileOf(
  frames: Array<{ functionName: string; url: string; lineNumber?: number }>,
  samples: number[],
  delta = 1000,
): CpuProfile {
  return {
    nodes: frames.map((frame, index) => ({
      id: index + 1,
      callFrame: { functionName: frame.functionName, url: frame.url, lineNumber: frame.lineNumber ?? 0 },
    })),
    startTime: 5_000,
    samples,
    timeDeltas: samples.map(() => delta),
  };
}

test('self times count from the start time on, leave idle out and name files relative to the repository', () => {
  const profile = profileOf(
    [
      { functionName: '(idle)', url: '' },
      { functionName: 'writeBuffer', url: '' },
      { functionName: 'write', url: 'file:///repo/packages/codec/dist/frame-decoder.js', lineNumber: 61 },
      { functionName: 'nextTick', url: 'node:internal/process/task_queues', lineNumber: 112 },
    ],
    // at 6000, 7000, 8000, … µs: the first two samples come before the load started, two are idle
    [3, 3, 2, 1, 1, 2, 2, 3, 4],
  );
  const rows = selfTimes(profile, 7_500, root);
  expect(rows).toEqual([
    { name: 'writeBuffer', where: '', milliseconds: 3, share: 0.6 },
    { name: 'write', where: 'packages/codec/dist/frame-decoder.js:62', milliseconds: 1, share: 0.2 },
    { name: 'nextTick', where: 'node:internal/process/task_queues:113', milliseconds: 1, share: 0.2 },
  ]);
});

test('a sample after a wait with no samples (Bun takes none while idle) counts as one interval', () => {
  const profile = profileOf(
    [
      { functionName: 'onConnection', url: 'file:///repo/packages/bun/dist/server.js', lineNumber: 180 },
      { functionName: 'write', url: '' },
    ],
    [2, 2, 1, 2, 2, 2],
  );
  // The third sample comes 2 s after the second: the process waited in between.
  profile.timeDeltas = [1000, 1000, 2_000_000, 1000, 1000, 1000];
  const rows = selfTimes(profile, 0, root);
  expect(rows.map((row) => [row.name, row.milliseconds])).toEqual([
    ['write', 5],
    ['onConnection', 4],
  ]);
});

test('a profile with nothing but idle time has no rows', () => {
  const profile = profileOf([{ functionName: '(idle)', url: '' }], [1, 1]);
  expect(selfTimes(profile, 0, root)).toEqual([]);
});

test('kinds: socket writes, outside JavaScript, collector, runtime, wskit, ws, other', () => {
  expect(kindOf({ name: 'writeBuffer', where: '' })).toBe('socket writes');
  expect(kindOf({ name: 'writev', where: '' })).toBe('socket writes');
  expect(kindOf({ name: 'write', where: '' })).toBe('socket writes'); // Bun's socket.write
  // A function of ours called write is ours, not a system call.
  expect(kindOf({ name: 'write', where: 'packages/codec/dist/frame-decoder.js:62' })).toBe('wskit');
  expect(kindOf({ name: '(program)', where: '' })).toBe('outside JavaScript');
  expect(kindOf({ name: '(garbage collector)', where: '' })).toBe('collector');
  expect(kindOf({ name: 'nextTick', where: 'node:internal/process/task_queues:113' })).toBe('runtime');
  expect(kindOf({ name: 'push', where: 'internal:streams/readable:10' })).toBe('runtime');
  expect(kindOf({ name: 'subarray', where: '' })).toBe('runtime');
  expect(kindOf({ name: 'echo', where: 'apps/echo-server/src/echo.ts:31' })).toBe('wskit');
  expect(
    kindOf({ name: 'getData', where: 'node_modules/.pnpm/ws@8.23.0/node_modules/ws/lib/receiver.js:10' }),
  ).toBe('ws');
  expect(kindOf({ name: 'mask', where: 'node_modules/bufferutil/fallback.js:3' })).toBe('ws');
  expect(kindOf({ name: 'helper', where: 'node_modules/something/index.js:1' })).toBe('other');
});

test('kind shares add up the rows of each kind', () => {
  const shares = kindShares([
    { name: 'writeBuffer', where: '', milliseconds: 5, share: 0.5 },
    { name: 'writev', where: '', milliseconds: 1, share: 0.1 },
    { name: '#flush', where: 'packages/transport/dist/session.js:649', milliseconds: 3, share: 0.3 },
    { name: '(garbage collector)', where: '', milliseconds: 1, share: 0.1 },
  ]);
  expect(shares['socket writes']).toBeCloseTo(0.6);
  expect(shares.wskit).toBeCloseTo(0.3);
  expect(shares.collector).toBeCloseTo(0.1);
  expect(shares.runtime).toBe(0);
  expect(shares.ws).toBe(0);
});

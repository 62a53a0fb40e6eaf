/**
 * A smoke run of the load benchmark (`--quick`, outputs in a temporary directory): it checks that
 * the C load generator compiles, that every section produced well-formed rows, and that every echo
 * the load generator counted was verified byte for byte. No timing is asserted.
 *
 * It needs a C compiler: without one it fails in CI (CI=true) and is skipped elsewhere.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { buildLoadGenerator, findCompiler } from '../src/load/build.ts';
import type { LoadDocument } from '../src/load/results.ts';

const run = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), 'wskit-load-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const compiler = findCompiler();
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const skip = compiler === undefined && !inCi;
if (skip)
  console.warn('load-smoke: skipped: no C compiler (cc, gcc or clang) on the PATH; install gcc to run it');

test.skipIf(skip)(
  'the quick load run compiles wsload, verifies every echo and writes well-formed rows',
  async () => {
    expect(compiler, 'no C compiler (cc, gcc or clang) on the PATH: CI must install gcc').toBeDefined();
    const json = join(directory, 'load.json');
    const markdown = join(directory, 'benchmarks.md');
    const main = resolve(import.meta.dirname, '../src/load/main.ts');
    await run(process.execPath, [main, '--quick', '--json', json, '--markdown', markdown], {
      timeout: 280_000,
      maxBuffer: 16 * 1024 * 1024,
    });

    const document = JSON.parse(readFileSync(json, 'utf8')) as LoadDocument;
    const sections = new Set(document.samples.map((sample) => sample.section));
    expect([...sections].sort()).toEqual(['client', 'deflate', 'handshakes', 'throughput']);
    for (const sample of document.samples) {
      expect(Number.isFinite(sample.rate) && sample.rate > 0, JSON.stringify(sample)).toBe(true);
      if (sample.section === 'throughput' || sample.section === 'handshakes') {
        // The load generator's rows: every message it sent came back and matched.
        expect(sample.sent).toBeGreaterThan(0);
        expect(sample.verified).toBe(sample.sent);
        expect(sample.counted).toBeGreaterThan(0);
        expect(sample.loadCpuShare).toBeGreaterThanOrEqual(0);
      }
    }
    const throughput = document.samples.filter((sample) => sample.section === 'throughput');
    const cells = new Set(throughput.map((sample) => `${sample.scenario} ${sample.mode} ${sample.subject}`));
    for (const scenario of ['b', 'd'])
      for (const mode of ['binary', 'text'])
        for (const server of ['wskit', 'wskit-event', 'ws', 'net'])
          expect(cells.has(`${scenario} ${mode} ${server}`), `${scenario} ${mode} ${server}`).toBe(true);
    expect(document.memory?.servers.wskit?.heapBytesPerConnection).toBeTypeOf('number');
    expect(document.memory?.servers.ws?.rssBytesPerConnection).toBeTypeOf('number');
    // Warm-up connections first (not counted), then one run per repetition and server.
    expect(document.memory?.warmup).toBeGreaterThan(0);
    expect(document.memory?.runs?.wskit).toHaveLength(document.settings.repetitions);
    expect(document.memory?.runs?.ws).toHaveLength(document.settings.repetitions);

    const report = readFileSync(markdown, 'utf8');
    expect(report).toMatch(/<!-- load:begin -->\n## Under load[\s\S]*<!-- load:end -->\n$/);
    expect(report).toContain('### Goals of issue 13');
    // The load generator's CPU is judged per repetition: every cell either passes or is named.
    expect(report).toMatch(
      /It stayed at or below 80 % of its core|Cells where it used more than 80 % of its core/,
    );
    expect(report).toMatch(/\| b: 64 × 64 B, 1 in flight \| binary \| \d+\.\d\d \|/);
    expect(readFileSync(markdown.replace(/\.md$/, '.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  },
  300_000,
);

test.skipIf(skip)(
  'wsload fails the run when an echo differs from what it sent by one bit',
  async () => {
    const loadGenerator = buildLoadGenerator(compiler);
    // A TCP echo that flips one bit of the 300th byte it forwards (raw mode: bytes must come back unchanged).
    let forwarded = 0;
    const server = createServer((socket) => {
      socket.on('data', (chunk) => {
        if (forwarded <= 300 && forwarded + chunk.length > 300) chunk[300 - forwarded]! ^= 1;
        forwarded += chunk.length;
        socket.write(chunk);
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    try {
      const flags = [
        '--connections',
        '2',
        '--size',
        '64',
        '--inflight',
        '2',
        '--raw',
        '--warmup',
        '0',
        '--duration',
        '0.5',
      ];
      const failure = await run(loadGenerator, ['load', '--port', String(port), ...flags]).then(
        () => undefined,
        (error: { stderr: string }) => error.stderr,
      );
      expect(failure).toMatch(/raw echo of message \d+ differs/);
    } finally {
      server.close();
    }
  },
  30_000,
);

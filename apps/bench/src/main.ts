/**
 * The codec benchmark: wskit's frame codec against ws, with and without ws's native `bufferutil`
 * addon, in one command. ws picks its masking kernel when it loads, so each ws variant runs in its
 * own process (with `WS_NO_BUFFER_UTIL` set or not), measuring wskit in the same process, in
 * alternating rounds, on the same input. The parent collects both, prints ratios and writes JSON.
 *
 *   node src/main.ts [--quick | --full] [--sizes 16,125,1k] [--suites decode,encode] [--json path]
 */
import { fork } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Options, parseOptions } from './options.ts';
import { buildReport, renderReport } from './report.ts';
import type { VariantMessage, VariantName, VariantRequest, VariantResult } from './variant.ts';
import { bufferutilVersion, wsVersion } from './ws-reference.ts';

const appDirectory = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs one variant process to completion. */
function runVariant(variant: VariantName, options: Options, started: number): Promise<VariantResult> {
  const environment = { ...process.env };
  if (variant === 'ws-plain') environment.WS_NO_BUFFER_UTIL = '1';
  else delete environment.WS_NO_BUFFER_UTIL;
  const child = fork(fileURLToPath(new URL('./variant.ts', import.meta.url)), [], {
    env: environment,
    // For the full collection before each sample of the cases that allocate megabytes (measure.ts).
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const request: VariantRequest = {
    variant,
    mode: options.mode,
    sizes: options.sizes,
    suites: options.suites,
  };
  child.send(request);
  return new Promise((resolvePromise, reject) => {
    let result: VariantResult | undefined;
    child.on('message', (message: VariantMessage) => {
      if (message.type === 'progress') {
        const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(5);
        process.stderr.write(`  ${seconds} s  [${variant}] ${message.text}\n`);
      } else if (message.type === 'result') result = message.result;
      else reject(new Error(`${variant} process failed:\n${message.message}`));
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result !== undefined) resolvePromise(result);
      else reject(new Error(`${variant} process exited (${signal ?? code}) without a result`));
    });
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  process.stderr.write(
    `wskit codec benchmark (${options.mode}): ws ${wsVersion}, bufferutil ${bufferutilVersion() ?? 'missing'}\n`,
  );
  const results: VariantResult[] = [];
  // Sequentially: two processes at once would share the CPU and skew both.
  for (const variant of ['ws-plain', 'ws-bufferutil'] as const)
    results.push(await runVariant(variant, options, started));
  const report = buildReport(results);
  const seconds = (performance.now() - started) / 1000;

  console.log(`\n${renderReport(report)}\n`);

  const document = {
    schema: 1,
    generatedAt: new Date().toISOString(),
    mode: options.mode,
    durationSeconds: Math.round(seconds * 10) / 10,
    environment: {
      node: process.version,
      v8: process.versions.v8,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model.trim(),
      cores: cpus().length,
    },
    versions: { ws: wsVersion, bufferutil: bufferutilVersion() ?? null },
    method: {
      ratio:
        'wskit throughput / ws throughput on the same input, median of interleaved samples; above 1 means wskit is faster',
      decode:
        'binary messages, one frame each, fed as fresh 64 KiB socket-sized chunks to MessageDecoder.write() and Receiver.write()',
      encode:
        'one binary frame per message: FrameEncoder.encode() against Sender.frame() with readOnly (ws.send of a Buffer)',
      megabytesPerSecond: 'payload bytes (10^6) per second',
    },
    variants: Object.fromEntries(results.map((result) => [result.variant, { wsMask: result.wsMask }])),
    ...report,
  };
  const path = resolve(process.cwd(), options.jsonPath ?? resolve(appDirectory, 'results/codec.json'));
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path.replace(/\.json$/, '')}.tmp.json`;
  writeFileSync(temporary, `${JSON.stringify(document, null, 2)}\n`);
  renameSync(temporary, path);
  console.log(`Results written to ${path} (${seconds.toFixed(1)} s)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});

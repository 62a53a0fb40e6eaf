/**
 * Bundles the Worker as wrangler would: src/worker.ts and the packages it imports, resolved through
 * their exports maps with the `workerd` condition first, `cloudflare:*` left to the runtime. Used by
 * `build`, `start` and the tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The app's directory. */
export const appDirectory = join(import.meta.dirname, '..');

/** The bundled Worker: its path (`dist/worker.js`) and its text. */
export interface WorkerBundle {
  readonly path: string;
  readonly script: string;
}

/** Bundles src/worker.ts into `dist/worker.js`. */
export async function bundleWorker(): Promise<WorkerBundle> {
  const path = join(appDirectory, 'dist', 'worker.js');
  await build({
    entryPoints: [join(appDirectory, 'src', 'worker.ts')],
    absWorkingDir: appDirectory,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'import'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*'],
    outfile: path,
    logLevel: 'error',
  });
  return { path, script: readFileSync(path, 'utf8') };
}

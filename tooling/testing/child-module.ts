/**
 * An ES module run in a child Node process, for what a test cannot see from inside the test
 * runner's own process: modules that the runner has loaded already (undici, `node:http2`), or an
 * uncaught exception, which fails a vitest run.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs `source` as an ES module in a child Node process (this test's Node) whose working directory
 * is `packageDir`, so that `@wskit/*` imports resolve to the built packages as after an install;
 * builds the package first (`tsup`) when its `dist/index.js` is missing. Returns what the module
 * printed on standard output; throws when it exits with an error.
 */
export function runModule(packageDir: string, source: string): string {
  if (!existsSync(join(packageDir, 'dist', 'index.js')))
    execSync('npx tsup', { cwd: packageDir, stdio: 'pipe' });
  return execFileSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd: packageDir,
    encoding: 'utf8',
  });
}

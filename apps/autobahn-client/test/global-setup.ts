import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The tests run `node src/main.ts`, which imports the packages' built `dist/`. Under turbo
 * (`pnpm test` at the root) the `test` task depends on `^build` (turbo.json), so they are built;
 * run alone (`pnpm --dir apps/autobahn-client test`), build them here (cached by turbo).
 */
export default function setup(): void {
  if (process.env.TURBO_HASH !== undefined) return;
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const local = `${root}node_modules/.bin/turbo`;
  const result = spawnSync(
    existsSync(local) ? local : 'turbo',
    ['run', 'build', '--filter=@wskit/autobahn-client^...', '--output-logs=errors-only'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (result.status !== 0) {
    throw new Error(
      `building the packages the Autobahn client uses failed (turbo exited with ${result.status})`,
    );
  }
}

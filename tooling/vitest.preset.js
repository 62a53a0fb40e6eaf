// @ts-check
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Maps every workspace package name `@wskit/<dir>` (and its subpath exports under `src/`) to its
 * TypeScript source, so tests import through the package name as a user would while running
 * against the current source without a build step.
 */
function workspaceAliases() {
  /** @type {{ find: RegExp, replacement: string }[]} */
  const aliases = [];
  const packagesDir = join(root, 'packages');
  if (!existsSync(packagesDir)) return aliases;
  for (const dir of readdirSync(packagesDir)) {
    const src = join(packagesDir, dir, 'src');
    if (!existsSync(src)) continue;
    const name = `@wskit/${dir}`.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&');
    aliases.push({ find: new RegExp(`^${name}$`), replacement: join(src, 'index.ts') });
    aliases.push({ find: new RegExp(`^${name}/(.*)$`), replacement: join(src, '$1', 'index.ts') });
  }
  return aliases;
}

/**
 * The shared vitest preset. Each package's `vitest.config.ts` is `defineConfig(definePreset())`.
 * Results are also written as JSON to `.test-results/vitest.json`, which the root test script
 * sums into the one `N passed, N failed` line.
 *
 * @param {{ include?: string[], exclude?: string[], testTimeout?: number }} [options]
 */
export function definePreset(options = {}) {
  return {
    resolve: { alias: workspaceAliases() },
    test: {
      include: options.include ?? ['test/**/*.test.ts', 'src/**/*.test.ts'],
      exclude: options.exclude ?? ['**/node_modules/**', '**/dist/**', 'test/**/*.bun.test.ts'],
      testTimeout: options.testTimeout ?? 20_000,
      reporters: ['default', 'json'],
      outputFile: { json: '.test-results/vitest.json' },
    },
  };
}

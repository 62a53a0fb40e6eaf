/**
 * A package's built ESM entry (dist/, one file per source module) as one module for a test runtime
 * that takes modules as text (workerd through Miniflare): its relative imports joined by esbuild, as
 * a user's bundler (wrangler) joins them, with no other change; `@wskit/*` imports stay imports,
 * pointed at the module names the test gives the other packages.
 */
import { buildSync } from 'esbuild';

/**
 * Joins `entry` (an absolute path to a built `.js`) and the dist/ modules it imports into one ESM
 * text. `names` maps a package (`@wskit/codec`) to the module name the test gives it
 * (`./codec.js`); those imports are kept.
 */
export function builtModule(entry: string, names: Readonly<Record<string, string>> = {}): string {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
    external: ['@wskit/*'],
  });
  let text = result.outputFiles[0]!.text;
  for (const [name, module] of Object.entries(names)) {
    text = text.replaceAll(`from "${name}"`, `from "${module}"`);
  }
  return text;
}

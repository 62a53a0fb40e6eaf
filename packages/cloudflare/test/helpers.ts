/** Test helpers: bundling a Worker from the built package and running it in Miniflare. Not a test file. */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

export const packageDir = join(import.meta.dirname, '..');
/** The self-signed certificate (CN localhost, SAN localhost, 127.0.0.1, ::1) and its key. */
export const certificate = readFileSync(join(packageDir, 'test', 'fixtures', 'cert.pem'), 'utf8');
export const privateKey = readFileSync(join(packageDir, 'test', 'fixtures', 'key.pem'), 'utf8');

/**
 * Bundles `source` into a Worker module as a Worker's bundler would: the built packages, resolved
 * by name through their exports maps with the `workerd` condition first, `cloudflare:*` external.
 * Returns the directory holding `worker.js` and the script.
 */
export async function bundleWorker(source: string, loader: 'js' | 'ts' = 'js') {
  if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
    // The turbo `test` task builds first; when run directly, build here.
    execSync('npx tsup', { cwd: packageDir, stdio: 'pipe' });
  }
  const directory = mkdtempSync(join(tmpdir(), 'wskit-cloudflare-'));
  const modules = join(directory, 'node_modules', '@wskit');
  mkdirSync(modules, { recursive: true });
  symlinkSync(packageDir, join(modules, 'cloudflare'), 'dir');
  const outfile = join(directory, 'worker.js');
  const result = await build({
    stdin: { contents: source, resolveDir: directory, sourcefile: `worker-source.${loader}`, loader },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'import'],
    mainFields: ['module', 'main'],
    nodePaths: [join(packageDir, 'node_modules')],
    external: ['cloudflare:*', 'node:*'],
    outfile,
    logLevel: 'silent',
  });
  if (result.errors.length > 0) throw new Error(JSON.stringify(result.errors));
  return { directory, script: readFileSync(outfile, 'utf8') };
}

/** A Miniflare running `script`, allowed to reach loopback, trusting the test certificate. */
export function startMiniflare(
  bundle: { directory: string; script: string },
  bindings: Record<string, string> = {},
  compatibilityFlags: string[] = [],
): Miniflare {
  return new Miniflare({
    compatibilityDate: '2024-09-23',
    compatibilityFlags,
    modules: [{ type: 'ESModule', path: join(bundle.directory, 'worker.js'), contents: bundle.script }],
    modulesRoot: bundle.directory,
    bindings,
    outboundService: {
      network: { allow: ['public', 'private', 'local'], tlsOptions: { trustedCertificates: [certificate] } },
    },
  });
}

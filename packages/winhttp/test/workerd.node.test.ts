/// <reference types="node" />
/**
 * Cloudflare's runtime, through Miniflare: a Worker that runs Microsoft's sample flow
 * (`test/sample-flow.ts`) over `@wskit/cloudflare`'s dialer against a loopback echo server this
 * test starts. The Worker is bundled with esbuild from the built packages; there is no test runner
 * inside workerd, so it answers with the sample's transcript as JSON. vitest only: the
 * `.node.test.ts` suffix keeps it out of `bun test`.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWsServer } from './helpers.js';
import { expectedCompletions, type SampleTranscript } from './sample-flow.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
/**
 * `@wskit/cloudflare`, from the workspace while it is not a dependency of this package yet: the
 * suite is skipped, with a message, where the package is not there.
 */
const cloudflareDir = join(packageDir, '..', 'cloudflare');
const available = existsSync(join(cloudflareDir, 'package.json'));
if (!available) console.warn(`workerd test skipped: ${cloudflareDir} (@wskit/cloudflare) is not there yet`);

/** The Worker: `?port=` names the echo server; it answers with the transcript or the error. */
const workerSource = `
import { cloudflareDialer } from '@wskit/cloudflare';
import { WinHttpOpen } from '@wskit/winhttp';
import { runSample } from './sample-flow.ts';

export default {
  async fetch(request) {
    const port = Number(new URL(request.url).searchParams.get('port'));
    try {
      const transcript = await runSample({ host: '127.0.0.1', port, dialer: cloudflareDialer });
      // Without a dialer there is no default outside Node.
      return Response.json({ transcript, withoutDialer: WinHttpOpen(null, 0, null, null, 0x10000000) });
    } catch (error) {
      return Response.json({ error: String(error && error.stack || error) }, { status: 500 });
    }
  },
};
`;

/** The file a Worker's bundler takes for `@wskit/cloudflare` (its `workerd`, else `import`, export). */
function cloudflareEntry(): string {
  const manifest = JSON.parse(readFileSync(join(cloudflareDir, 'package.json'), 'utf8')) as {
    exports?: Record<string, unknown>;
    module?: string;
    main?: string;
  };
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (typeof value !== 'object' || value === null) return undefined;
    const conditions = value as Record<string, unknown>;
    for (const name of ['workerd', 'worker', 'import', 'default']) {
      const found = pick(conditions[name]);
      if (found !== undefined && !found.endsWith('.d.ts')) return found;
    }
    return undefined;
  };
  return join(
    cloudflareDir,
    pick(manifest.exports?.['.']) ?? manifest.module ?? manifest.main ?? 'dist/index.js',
  );
}

let directory: string;
let script: string;

describe.skipIf(!available)('workerd (Miniflare)', () => {
  beforeAll(async () => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
      // The turbo `test` task builds first; when run directly, build here.
      execSync('npx tsup', { cwd: packageDir, stdio: 'pipe' });
    }
    if (!existsSync(join(cloudflareDir, 'dist'))) execSync('npx tsup', { cwd: cloudflareDir, stdio: 'pipe' });
    directory = mkdtempSync(join(tmpdir(), 'winhttp-worker-'));
    const result = await build({
      stdin: {
        contents: workerSource,
        resolveDir: join(packageDir, 'test'),
        sourcefile: 'worker.js',
        loader: 'js',
      },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      // The built packages, as a Worker would get them from npm (conditions for workerd first).
      conditions: ['workerd', 'worker', 'import'],
      mainFields: ['module', 'main'],
      external: ['cloudflare:*', 'node:*'],
      outfile: join(directory, 'worker.js'),
      alias: { '@wskit/cloudflare': cloudflareEntry() },
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    script = readFileSync(join(directory, 'worker.js'), 'utf8');
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("runs Microsoft's sample flow over cloudflareDialer against a loopback echo server", async () => {
    const { port } = await startWsServer();
    const miniflare = new Miniflare({
      compatibilityDate: '2024-09-23',
      modulesRoot: directory,
      // One module, listed rather than analysed: Miniflare refuses the non-literal dynamic import of
      // the default dialer (which is never reached here: the Worker passes its dialer).
      modules: [{ type: 'ESModule', path: join(directory, 'worker.js'), contents: script }],
    });
    try {
      const response = await miniflare.dispatchFetch(`http://localhost/?port=${port}`);
      const result = (await response.json()) as {
        transcript?: SampleTranscript;
        withoutDialer?: unknown;
        error?: string;
      };
      expect(result.error).toBeUndefined();
      expect(result.transcript!.received).toBe('Hello world');
      expect(result.transcript!.completions).toEqual(expectedCompletions);
      expect(result.transcript!.closeStatus).toBe(1000);
      expect(result.withoutDialer).toBeNull();
    } finally {
      await miniflare.dispose();
    }
  });
});

/// <reference types="node" />
/**
 * Cloudflare's runtime, through Miniflare: a Worker that runs Microsoft's sample flow
 * (`test/sample-flow.ts`) over `@wskit/cloudflare`'s dialer against a loopback echo server this
 * test starts. The Worker is bundled with esbuild from the built packages (`@wskit/cloudflare` is a
 * devDependency, resolved by name with the `workerd` condition); there is no test runner
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

let directory: string;
let script: string;

describe('workerd (Miniflare)', () => {
  beforeAll(async () => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
      // The turbo `test` task builds first; when run directly, build here.
      execSync('npx tsup', { cwd: packageDir, stdio: 'pipe' });
    }
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
      // The built packages, as a Worker would get them from npm (conditions for workerd first):
      // @wskit/cloudflare is a devDependency, resolved by name through its exports map.
      conditions: ['workerd', 'worker', 'import'],
      mainFields: ['module', 'main'],
      external: ['cloudflare:*', 'node:*'],
      outfile: join(directory, 'worker.js'),
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

// undici is an optional peer dependency: a real install without it (the built packages copied into
// a project in the temp directory, where no node_modules above has undici) connects directly, and a
// proxy fails with WS_NODE_ERR_PROXY_NEEDS_UNDICI saying what to install. With undici present, the
// proxy tests of client.test.ts run.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WebSocketServer } from '@wskit/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PACKAGES = ['codec', 'handshake', 'protocol', 'transport', 'permessage-deflate', 'node'];

/** The script each module format runs: a direct connection, then the proxy option, then HTTP_PROXY. */
function script(format: 'esm' | 'cjs'): string {
  const load =
    format === 'esm'
      ? "const { connect } = await import('@wskit/node');"
      : "const { connect } = require('@wskit/node');";
  const body = `
    const url = process.argv[2];
    const results = {};
    const direct = await connect(url);
    results.direct = direct.protocol === '' ? 'open' : 'unexpected';
    await direct.close();
    const outcome = (promise) => promise.then(
      (ws) => { ws.close(); return { ok: true }; },
      (error) => ({ name: error.name, code: error.code, message: error.message, cause: error.cause?.code }),
    );
    results.option = await outcome(connect(url, { proxy: 'http://127.0.0.1:9' }));
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    results.environment = await outcome(connect(url));
    results.environmentOff = await outcome(connect(url, { proxy: false }));
    try { require.resolve?.('undici'); results.undici = 'resolvable'; } catch { results.undici = 'missing'; }
    console.log(JSON.stringify(results));`;
  return format === 'esm'
    ? `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${load}\n${body}\n`
    : `(async () => {\n${load}\n${body}\n})().catch((error) => { console.error(error); process.exit(1); });\n`;
}

let project: string;
let server: WebSocketServer;

beforeAll(async () => {
  for (const name of PACKAGES) {
    if (!existsSync(join(packagesDir, name, 'dist', 'index.js'))) {
      throw new Error(`packages/${name}/dist is missing: run the build first`);
    }
  }
  project = mkdtempSync(join(tmpdir(), 'wskit-no-undici-'));
  writeFileSync(join(project, 'package.json'), '{ "name": "no-undici", "private": true }\n');
  for (const name of PACKAGES) {
    const target = join(project, 'node_modules', '@wskit', name);
    mkdirSync(target, { recursive: true });
    cpSync(join(packagesDir, name, 'package.json'), join(target, 'package.json'));
    cpSync(join(packagesDir, name, 'dist'), join(target, 'dist'), { recursive: true });
  }
  writeFileSync(join(project, 'check.mjs'), script('esm'));
  writeFileSync(join(project, 'check.cjs'), script('cjs'));
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
});

afterAll(async () => {
  await server?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('without undici installed', () => {
  for (const file of ['check.mjs', 'check.cjs']) {
    it(`${file}: connects directly, and a proxy fails with WS_NODE_ERR_PROXY_NEEDS_UNDICI`, async () => {
      const environment = { ...process.env };
      // NODE_PATH (pnpm's bin shims set it) would find the workspace's undici.
      for (const name of [
        'NODE_PATH',
        'HTTP_PROXY',
        'http_proxy',
        'HTTPS_PROXY',
        'https_proxy',
        'NO_PROXY',
        'no_proxy',
      ]) {
        delete environment[name];
      }
      const { stdout } = await run(process.execPath, [file, `ws://127.0.0.1:${server.port}/`], {
        cwd: project,
        env: environment,
      });
      const results = JSON.parse(stdout);
      expect(results.undici).toBe('missing');
      expect(results.direct).toBe('open');
      for (const key of ['option', 'environment']) {
        expect(results[key]).toMatchObject({
          name: 'HandshakeFailedError',
          code: 'WS_NODE_ERR_PROXY_NEEDS_UNDICI',
        });
        expect(results[key].message).toContain('npm install undici@7');
        expect(results[key].cause).toMatch(/MODULE_NOT_FOUND/);
      }
      expect(results.option.message).toMatch(/^The proxy option is set/);
      expect(results.environment.message).toMatch(/^HTTP_PROXY or HTTPS_PROXY is set/);
      expect(results.environmentOff).toEqual({ ok: true });
    });
  }
});

/**
 * Outside workerd the package imports fine (no bundler error at import: `cloudflare:sockets` is
 * loaded inside connect) and fails with a clear message when used. Runs Node on the built package,
 * ESM and CommonJS, resolved by its name as a user would.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const script = (load: string) => `
const cloudflare = await ${load};
const results = [];
for (const [name, use] of [
  ['connect', () => cloudflare.connect('ws://127.0.0.1:1/')],
  ['cloudflareDialer', () => cloudflare.cloudflareDialer({ host: '127.0.0.1', port: 1, secure: false })],
]) {
  results.push(name + ': ' + (await use().then(() => 'no error', (error) => error.message)));
}
const ws = new cloudflare.WebSocket('ws://127.0.0.1:1/');
results.push('WebSocket: ' + (await new Promise((resolve) => { ws.onclose = (event) => resolve(event.code); })));
console.log(JSON.stringify(results));
`;

describe('outside workerd', () => {
  beforeAll(() => {
    if (!existsSync(join(packageDir, 'dist', 'index.js')))
      execSync('npx tsup', { cwd: packageDir, stdio: 'pipe' });
  });

  for (const [format, load] of [
    ['esm', "import('@wskit/cloudflare')"],
    [
      'cjs',
      "Promise.resolve((await import('node:module')).createRequire(process.cwd() + '/')('@wskit/cloudflare'))",
    ],
  ] as const) {
    it(`imports in Node (${format}) and fails when used, saying why`, () => {
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script(load)], {
        cwd: packageDir,
        encoding: 'utf8',
      });
      const results = JSON.parse(output) as string[];
      const message =
        '@wskit/cloudflare: connecting needs `cloudflare:sockets`, which only Cloudflare Workers (workerd) provide, and it could not be loaded here. In Node.js use @wskit/node, in Bun @wskit/bun.';
      expect(results).toEqual([`connect: ${message}`, `cloudflareDialer: ${message}`, 'WebSocket: 1006']);
    });
  }
});

// Outside Bun the package imports fine (no bundler error at import) and fails with a clear message
// when used. Runs Node on the built package, ESM and CommonJS, resolved by its name as a user would.
import { describe, expect, it } from 'bun:test';

const script = `
const load = process.argv[1] === 'cjs' ? async () => require('@wskit/bun') : () => import('@wskit/bun');
const bun = await load();
const results = [];
for (const [name, use] of [
  ['connect', () => bun.connect('ws://127.0.0.1:1/')],
  ['serve', () => bun.serve({ port: 0 })],
  ['WebSocket', () => new bun.WebSocket('ws://127.0.0.1:1/')],
]) {
  try { await use(); results.push(name + ': no error'); } catch (error) { results.push(name + ': ' + error.message); }
}
const dial = await bun.bunDialer({ host: '127.0.0.1', port: 1, secure: false }).catch((error) => error.message);
results.push('bunDialer: ' + dial);
console.log(JSON.stringify(results));
`;

describe('outside Bun', () => {
  for (const format of ['esm', 'cjs'] as const) {
    it(`imports in Node (${format}) and fails when used, saying why`, () => {
      const run = Bun.spawnSync(
        [
          'node',
          '--input-type=module',
          '-e',
          format === 'cjs'
            ? `import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/'); ${script}`
            : script,
          format,
        ],
        { cwd: `${import.meta.dir}/..`, env: { ...process.env } },
      );
      expect(run.stderr.toString()).toBe('');
      const results = JSON.parse(run.stdout.toString()) as string[];
      expect(results).toHaveLength(4);
      for (const line of results) {
        expect(line).toMatch(/: @wskit\/bun: .* needs the Bun runtime .*use @wskit\/node in Node\.js/);
      }
    });
  }
});

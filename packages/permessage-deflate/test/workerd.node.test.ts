/**
 * workerd smoke test, through Miniflare: with `nodejs_compat`, the built package compresses and
 * inflates between two @wskit/protocol engines in a Worker; without it, the package still loads and
 * `perMessageDeflate()` says what is missing. vitest only (`.node.test.ts`): it drives workerd from
 * Node.
 */
/// <reference types="node" />
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtModule } from '@wskit/tooling/built-module';
import { Miniflare } from 'miniflare';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
/** The built entry (ESM) of a workspace package. */
const distOf = (name: string) => join(dirname(require.resolve(`${name}/package.json`)), 'dist', 'index.js');

const workerSource = `
import { perMessageDeflate } from './permessage-deflate.js';
import { Connection } from './protocol.js';

export default {
  async fetch() {
    let deflate;
    try {
      deflate = perMessageDeflate({ threshold: 0, serverMaxWindowBits: 10 });
    } catch (error) {
      return Response.json({ loaded: true, error: error.message });
    }
    const offers = deflate.offer();
    const agreed = deflate.accept(offers);
    const refusal = deflate.validateResponse(agreed, offers);
    let now = 0;
    const clock = () => now++;
    const client = new Connection({ role: 'client', clock, extensions: [deflate.createExtension(agreed, 'client')] });
    const server = new Connection({ role: 'server', clock, extensions: [deflate.createExtension(agreed, 'server')] });
    const text = 'workerd '.repeat(2000);
    client.sendText(text);
    server.sendBinary(new Uint8Array(50000).fill(9));
    const received = { client: [], server: [] };
    const heads = [];
    for (let round = 0; round < 200 && received.client.length + received.server.length < 2; round++) {
      for (const [from, to, name] of [[client, server, 'server'], [server, client, 'client']]) {
        for (const bytes of from.dataToSend()) {
          heads.push(bytes[0]);
          to.receiveData(bytes.slice());
        }
        for (const event of to.events()) if (event.type === 'message') received[name].push(event.data);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return Response.json({
      refusal,
      agreed,
      heads: heads.filter((head) => (head & 0x0f) <= 2),
      serverGotText: received.server[0] === text,
      clientGot: received.client[0] ? [received.client[0].length, received.client[0][0]] : null,
    });
  },
};
`;

/**
 * A built entry (its dist/ modules joined) as a module beside the worker, with its `@wskit/*` imports pointed at the modules
 * beside it (workerd resolves bare specifiers relative to the importing module).
 */
function workerModule(name: string, file: string) {
  const contents = builtModule(file, { '@wskit/codec': './codec.js', '@wskit/protocol': './protocol.js' });
  return { type: 'ESModule' as const, path: join(packageDir, name), contents };
}

async function run(compatibilityFlags: string[]): Promise<unknown> {
  const miniflare = new Miniflare({
    compatibilityDate: '2024-09-23',
    compatibilityFlags,
    modulesRoot: packageDir,
    modules: [
      { type: 'ESModule', path: join(packageDir, 'worker.js'), contents: workerSource },
      workerModule('permessage-deflate.js', join(packageDir, 'dist', 'index.js')),
      workerModule('codec.js', distOf('@wskit/codec')),
      workerModule('protocol.js', distOf('@wskit/protocol')),
    ],
  });
  try {
    const response = await miniflare.dispatchFetch('http://localhost/');
    return await response.json();
  } finally {
    await miniflare.dispose();
  }
}

describe('workerd (Miniflare)', () => {
  beforeAll(() => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
      // The turbo `test` task builds first; when run directly, build here.
      execSync('npx tsup', { cwd: packageDir, stdio: 'pipe' });
    }
  });

  it('with nodejs_compat: negotiates, compresses and inflates between two engines', async () => {
    expect(await run(['nodejs_compat'])).toEqual({
      refusal: null,
      agreed: [['server_max_window_bits', '10']],
      heads: [0xc1, 0xc2],
      serverGotText: true,
      clientGot: [50000, 9],
    });
  }, 30_000);

  it('without nodejs_compat: the package loads, perMessageDeflate() explains what is missing', async () => {
    const result = (await run([])) as { loaded: boolean; error: string };
    expect(result.loaded).toBe(true);
    expect(result.error).toMatch(/needs node:zlib/);
    expect(result.error).toMatch(/nodejs_compat/);
  }, 30_000);
});

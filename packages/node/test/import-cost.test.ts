/**
 * Importing @wskit/node loads neither Node's bundled undici nor `node:http2`. An ES module `import`
 * of `node:http` builds its facade by reading every export, and its `WebSocket`, `CloseEvent` and
 * `MessageEvent` getters load undici (Node 24: 2.3 MB of heap, about 15 MB of RSS, marked by every
 * full collection): the package takes `http` through CommonJS (`builtins.ts`) and `http2` on first
 * use. A child process, because the test runner has loaded both already.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runModule } from '@wskit/tooling/child-module';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const script = `
const loaded = (part) => process.moduleLoadList.some((name) => name.includes(part));
const { WebSocketServer } = await import('@wskit/node');
const atImport = { undici: loaded('deps/undici'), http2: loaded('NativeModule http2') };
const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((resolve) => server.once('listening', resolve));
const listening = { undici: loaded('deps/undici'), http2: loaded('NativeModule http2') };
await server.close();
console.log(JSON.stringify({ atImport, listening }));
`;

describe('importing @wskit/node', () => {
  it("loads neither Node's bundled undici nor node:http2, also once a server listens", () => {
    const output = runModule(packageDir, script);
    const none = { undici: false, http2: false };
    expect(JSON.parse(output)).toEqual({ atImport: none, listening: none });
  });
});

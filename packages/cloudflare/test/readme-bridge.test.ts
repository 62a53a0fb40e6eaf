/**
 * The bridge half of the README's example (its `GET /` half is checked by readme-blocks.test.ts):
 * the `ts worker` block under "## Example" is bundled for workerd from the built package and run in
 * Miniflare with a loopback conformance backend; a WebSocket through `/proxy` reaches the backend's
 * `/echo`.
 */

import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer } from '@wskit/node';
import { extractBlocks } from '@wskit/tooling/readme-blocks';
import { serveConformance } from '@wskit/transport/testing';
import { expect, it } from 'vitest';
import { bundleWorker, packageDir, startMiniflare } from './helpers.js';

it("relays a WebSocket through the README example's /proxy", async () => {
  const blocks = extractBlocks(readFileSync(join(packageDir, 'README.md'), 'utf8'));
  const example = blocks.find((block) => block.heading === 'Example' && block.info === 'ts worker');
  expect(example, 'the README has a `ts worker` block under "## Example"').toBeDefined();
  const backend = createServer({ port: 0, host: '127.0.0.1' }, (ws, request) => {
    void serveConformance(ws, request.url ?? '/');
  });
  await once(backend, 'listening');
  const bundle = await bundleWorker(example!.code, 'ts');
  const worker = startMiniflare(bundle, { BACKEND: `ws://127.0.0.1:${backend.port}` });
  try {
    const endpoint = await worker.ready;
    const ws = await connect(`ws://127.0.0.1:${endpoint.port}/proxy`);
    const [echoed] = await Promise.all([
      new Promise((resolve) => ws.once('message', resolve)),
      ws.send('through the proxy'),
    ]);
    expect(echoed).toBe('through the proxy');
    ws.close(1000);
    expect((await ws.closed).code).toBe(1000);
  } finally {
    await worker.dispose();
    await backend.close();
    rmSync(bundle.directory, { recursive: true, force: true });
  }
});

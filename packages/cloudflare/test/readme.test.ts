/**
 * The README's example, as written there: the first ```ts block after "## Example" is bundled for
 * workerd from the built package and run in Miniflare with a loopback echo backend; `GET /` and a
 * WebSocket through `/proxy` must do what the README says.
 */

import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer } from '@wskit/node';
import { serveConformance } from '@wskit/transport/testing';
import { expect, it } from 'vitest';
import { bundleWorker, packageDir, startMiniflare } from './helpers.js';

it('runs the README example in workerd', async () => {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const start = readme.indexOf('```ts\n', readme.indexOf('## Example')) + 6;
  const code = readme.slice(start, readme.indexOf('\n```', start));
  const backend = createServer({ port: 0, host: '127.0.0.1' }, (ws, request) => {
    void serveConformance(ws, request.url ?? '/');
  });
  await once(backend, 'listening');
  const bundle = await bundleWorker(code, 'ts');
  const worker = startMiniflare(bundle, { BACKEND: `ws://127.0.0.1:${backend.port}` });
  try {
    const response = await worker.dispatchFetch('http://localhost/');
    expect(await response.text()).toBe('backend said {"hello":"backend"}');
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

// Runs under the machine's own Node (20, the oldest supported) against the built package, ESM and
// CommonJS: `scripts/system-node-smoke.mjs` starts it. Prints one JSON line per check and exits
// non-zero when one failed.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const esm = await import('@wskit/node');
const cjs = createRequire(import.meta.url)('@wskit/node');

const checks = [];
async function check(name, run) {
  const started = performance.now();
  try {
    await run();
    checks.push({ name, ok: true, ms: Math.round(performance.now() - started) });
  } catch (error) {
    checks.push({ name, ok: false, error: String(error?.stack ?? error) });
  }
}

async function echoRoundTrip({ connect, createServer, WebSocket }) {
  const serverClose = [];
  const server = createServer({ port: 0, host: '127.0.0.1', maxMessageSize: 4 << 20 }, (ws) => {
    ws.on('message', (data) => {
      if (data === 'close please') ws.close(4001, 'server says bye');
      else ws.send(data);
    });
    ws.on('close', (code, reason) => serverClose.push([code, reason]));
  });
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  try {
    const url = `ws://127.0.0.1:${server.port}/smoke`;
    const ws = await connect(url, { maxMessageSize: 4 << 20 });
    const big = new Uint8Array(3 << 20).map((_, index) => index * 7);
    const received = [];
    ws.on('message', (data) => received.push(data));
    const pong = new Promise((resolve) => ws.once('pong', resolve));
    await ws.send('héllo');
    await ws.send(big);
    const stream = ws.stream('text');
    await stream.write('frag');
    await stream.end('mented');
    await ws.ping('are you there');
    assert.equal(Buffer.from(await pong).toString(), 'are you there');
    while (received.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(received[0], 'héllo');
    assert.deepEqual(Buffer.from(received[1]), Buffer.from(big));
    assert.equal(received[2], 'fragmented');
    ws.close(4000, 'client says bye');
    const closed = await ws.closed;
    assert.equal(closed.code, 4000);
    assert.equal(closed.wasClean, true);
    while (serverClose.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(serverClose[0], [4000, 'client says bye']);

    const second = await connect(url);
    second.send('close please');
    const byServer = await second.closed;
    assert.deepEqual([byServer.code, byServer.reason, byServer.wasClean], [4001, 'server says bye', true]);

    // No subprotocol offered: this server selects none, and the WHATWG class fails a mismatch.
    const standard = new WebSocket(url);
    standard.binaryType = 'arraybuffer';
    const data = await new Promise((resolve, reject) => {
      standard.onopen = () => standard.send(new Uint8Array([1, 2, 3]));
      standard.onmessage = (event) => resolve(event.data);
      standard.onerror = () => reject(new Error('standard WebSocket failed'));
    });
    assert.ok(data instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(data)], [1, 2, 3]);
    standard.close(1000);
    await new Promise((resolve) => {
      standard.onclose = resolve;
    });
  } finally {
    await server.close();
  }
}

await check('ESM: echo, 3 MiB binary, fragments, ping, closes both ways, WHATWG class', () =>
  echoRoundTrip(esm),
);
await check('CommonJS: the same', () => echoRoundTrip(cjs));
await check('the handshake refusal is a HandshakeFailedError', async () => {
  const server = esm.createServer({
    port: 0,
    host: '127.0.0.1',
    verify: () => ({ status: 401, body: 'no' }),
  });
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await assert.rejects(esm.connect(`ws://127.0.0.1:${server.port}/`), (error) => {
      assert.ok(esm.isHandshakeFailedError(error));
      assert.equal(error.status, 401);
      assert.equal(Buffer.from(error.body).toString(), 'no');
      return true;
    });
  } finally {
    await server.close();
  }
});

for (const result of checks) console.log(JSON.stringify({ node: process.version, ...result }));
process.exit(checks.every((result) => result.ok) ? 0 : 1);

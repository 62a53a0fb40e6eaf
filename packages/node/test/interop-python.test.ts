// Interop with python-websockets (https://github.com/python-websockets/websockets) both ways, on
// loopback: test/python/server.py and test/python/client.py, started as child processes. Skipped
// with a message when no Python with websockets is found, except under CI (`CI` set), where the
// module is installed by .ci/system-deps.sh and the tests must run.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { connect, createServer } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { defer } from './helpers.js';
import { clientExchange, interopServerOptions, LIMITS, observation } from './interop-helpers.js';

/** The first Python that can import websockets: `WSKIT_PYTHON`, `python3`, `/usr/bin/python3`. */
function findPython(): string | undefined {
  const candidates = [process.env.WSKIT_PYTHON, 'python3', '/usr/bin/python3', 'python'];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['-c', 'import websockets'], { stdio: 'ignore', timeout: 10_000 });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

const python = findPython();
const script = (name: string) => fileURLToPath(new URL(`./python/${name}`, import.meta.url));

if (python === undefined && !process.env.CI) {
  console.warn(
    'interop-python: skipped, no Python with the websockets module (apt-get install python3-websockets, or set WSKIT_PYTHON)',
  );
}

/** JSON lines a child prints, as they arrive. */
function jsonLines(child: ChildProcess): { lines: Record<string, unknown>[]; stderr: () => string } {
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (text: string) => {
    buffered += text;
    for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end).trim();
      buffered = buffered.slice(end + 1);
      if (line.startsWith('{')) lines.push(JSON.parse(line));
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr += text;
  });
  return { lines, stderr: () => stderr };
}

/** Starts server.py and resolves with its URL and its JSON events; killed after the test. */
async function startPythonServer() {
  const child = spawn(python!, [script('server.py')], { stdio: ['ignore', 'pipe', 'pipe'] });
  defer(() => child.kill());
  const output = jsonLines(child);
  await expect
    .poll(() => output.lines.find((line) => line.event === 'listening'), { timeout: 10_000 })
    .toBeDefined();
  const port = output.lines.find((line) => line.event === 'listening')!.port as number;
  return { url: `ws://127.0.0.1:${port}`, events: output.lines };
}

describe.skipIf(python === undefined && !process.env.CI)('interop with python-websockets', () => {
  it('has a Python with websockets (required under CI)', () => {
    expect(python, 'install python3-websockets (.ci/system-deps.sh) or set WSKIT_PYTHON').toBeDefined();
  });

  describe('our client, python server', () => {
    it('exchanges text and binary from 0 B to 16 MiB, fragments and pings', async () => {
      const peer = await startPythonServer();
      const ws = await connect(peer.url, { ...LIMITS, protocols: ['chat'] });
      defer(() => ws.terminate());
      expect(ws.protocol).toBe('chat');
      await clientExchange(ws, ['binary']);
      ws.close(4001, 'client-bye é');
      expect(await ws.closed).toMatchObject({ code: 4001, wasClean: true });
      await expect
        .poll(() => peer.events.filter((event) => event.event === 'close'))
        .toEqual([{ event: 'close', code: 4001, reason: 'client-bye é' }]);
    });

    it('receives the code and reason of a close by python', async () => {
      const peer = await startPythonServer();
      const ws = await connect(peer.url);
      void ws.send('close:4002:server-bye');
      expect(await ws.closed).toEqual({ code: 4002, reason: 'server-bye', wasClean: true });
    });
  });

  describe('python client, our server', () => {
    it('exchanges text and binary from 0 B to 16 MiB, fragments, pings and closes both ways', async () => {
      const seen = observation();
      const { onConnection, ...options } = interopServerOptions(seen);
      const server = createServer({ port: 0, host: '127.0.0.1', ...options }, onConnection);
      defer(() => server.close());
      await once(server, 'listening');
      const child = spawn(python!, [script('client.py'), `ws://127.0.0.1:${server.port}/python`], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      defer(() => child.kill());
      const output = jsonLines(child);
      const code = await new Promise<number | null>((resolve) =>
        child.on('exit', (status) => resolve(status)),
      );
      const failed = output.lines.filter((line) => line.ok !== true);
      expect(failed, output.stderr()).toEqual([]);
      expect(code, output.stderr()).toBe(0);
      // 1 subprotocol + 9 sizes × 2 + 16 MiB + 2 fragmented + ping + 2 server commands + 2 closes
      expect(output.lines).toHaveLength(27);
      expect(seen.pongs).toEqual(['from-server']);
      await expect
        .poll(() => seen.closes)
        .toEqual([
          { code: 4007, reason: 'python-client-bye', wasClean: true },
          { code: 4008, reason: 'our-server-bye', wasClean: true },
        ]);
    });
  });
});

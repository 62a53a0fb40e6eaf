// Interop with python-websockets (https://github.com/python-websockets/websockets) both ways, on
// loopback: test/python/server.py and test/python/client.py, started as child processes. Skipped
// with a message when no Python with websockets is found, except under CI (`CI` set), where the
// module is installed by .ci/system-deps.sh and the tests must run.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createNetServer, connect as netConnect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connect, createServer, type PerMessageDeflateOption } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { defer, listen, trackSocket } from './helpers.js';
import { clientExchange, interopServerOptions, LIMITS, observation, SIZES } from './interop-helpers.js';

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

/** Starts server.py (with `args`, e.g. `--deflate`) and resolves with its URL and its JSON events; killed after the test. */
async function startPythonServer(args: readonly string[] = []) {
  const child = spawn(python!, [script('server.py'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  defer(() => child.kill());
  const output = jsonLines(child);
  await expect
    .poll(() => output.lines.find((line) => line.event === 'listening'), { timeout: 10_000 })
    .toBeDefined();
  const port = output.lines.find((line) => line.event === 'listening')!.port as number;
  return { url: `ws://127.0.0.1:${port}`, events: output.lines };
}

/** A TCP relay on loopback to `port` that counts the bytes going each way; closed after the test. */
async function countingRelay(port: number) {
  const counts = { fromClient: 0, fromServer: 0 };
  const relay = createNetServer((client: Socket) => {
    const server = netConnect({ port, host: '127.0.0.1' });
    trackSocket(client);
    trackSocket(server);
    client.on('data', (chunk: Buffer) => {
      counts.fromClient += chunk.length;
    });
    server.on('data', (chunk: Buffer) => {
      counts.fromServer += chunk.length;
    });
    client.pipe(server);
    server.pipe(client);
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
    client.on('error', () => {});
    server.on('error', () => {});
  });
  const relayPort = await listen(relay);
  return { url: `ws://127.0.0.1:${relayPort}`, counts };
}

/** Payload bytes each side sends in the exchange: text and binary of every size, compressible. */
const EXCHANGED = SIZES.reduce((sum, size) => sum + 2 * size, 0);

/** Splits a `Sec-WebSocket-Extensions` value into its parameters, sorted (order and spaces free). */
function parameters(header: unknown): string[] {
  return String(header)
    .split(';')
    .map((part) =>
      part
        .trim()
        .toLowerCase()
        .replace(/\s*=\s*/, '='),
    )
    .sort();
}

/** Compression parameter sets with python as the server: its arguments, ours, what is agreed. */
const PYTHON_SERVER_VARIANTS: {
  name: string;
  python: string;
  ours: PerMessageDeflateOption;
  agreed: string;
}[] = [
  {
    name: "python's defaults (12-bit windows)",
    python: '--deflate',
    ours: true,
    agreed: 'permessage-deflate; server_max_window_bits=12; client_max_window_bits=12',
  },
  {
    name: 'no context takeover both ways, server_max_window_bits 10, asked for by our client',
    python: '--deflate={"client_no_context_takeover": true}',
    ours: { serverNoContextTakeover: true, serverMaxWindowBits: 10 },
    agreed:
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10',
  },
];

/** Compression parameter sets with python as the client. */
const PYTHON_CLIENT_VARIANTS: {
  name: string;
  python: string;
  ours: PerMessageDeflateOption;
  agreed: string;
}[] = [
  {
    name: "python's defaults",
    python: '--deflate',
    ours: true,
    agreed: 'permessage-deflate',
  },
  {
    name: 'python asks for server_no_context_takeover and server_max_window_bits 10; our server for client_no_context_takeover and client_max_window_bits 10',
    python: '--deflate={"server_no_context_takeover": true, "server_max_window_bits": 10}',
    ours: { clientNoContextTakeover: true, clientMaxWindowBits: 10 },
    agreed:
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=10',
  },
];

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
  describe('permessage-deflate on, our client, python server', () => {
    for (const variant of PYTHON_SERVER_VARIANTS) {
      it(`exchanges text and binary from 0 B to 1 MiB, fragments and pings: ${variant.name}`, async () => {
        const peer = await startPythonServer([variant.python]);
        const relay = await countingRelay(Number(new URL(peer.url).port));
        const ws = await connect(relay.url, { protocols: ['chat'], perMessageDeflate: variant.ours });
        defer(() => ws.terminate());
        expect(parameters(ws.extensions)).toEqual(parameters(variant.agreed));
        expect(await clientExchange(ws, [])).toBe(2 * SIZES.length + 5);
        ws.close(4001, 'compressed-bye');
        expect(await ws.closed).toMatchObject({ code: 4001, wasClean: true });
        const opens = peer.events.filter((event) => event.event === 'open');
        expect(opens.map((event) => parameters(event.extensions))).toEqual([parameters(variant.agreed)]);
        // Both directions went compressed (the fragmented messages, about 70 KiB, go as they are).
        expect(relay.counts.fromClient, 'from our client').toBeLessThan(EXCHANGED / 8);
        expect(relay.counts.fromServer, 'from python').toBeLessThan(EXCHANGED / 8);
      });
    }
  });

  describe('permessage-deflate on, python client, our server', () => {
    for (const variant of PYTHON_CLIENT_VARIANTS) {
      it(`exchanges text and binary from 0 B to 1 MiB, fragments, pings and closes: ${variant.name}`, async () => {
        const seen = observation();
        const { onConnection, ...options } = interopServerOptions(seen);
        const server = createServer(
          { port: 0, host: '127.0.0.1', ...options, perMessageDeflate: variant.ours },
          onConnection,
        );
        const sockets: Socket[] = [];
        const agreed: string[] = [];
        server.on('connection', (ws, request) => {
          sockets.push(request.socket);
          agreed.push(ws.extensions);
        });
        defer(() => server.close());
        await once(server, 'listening');
        const child = spawn(
          python!,
          [script('client.py'), `ws://127.0.0.1:${server.port}/python`, variant.python],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        defer(() => child.kill());
        const output = jsonLines(child);
        const code = await new Promise<number | null>((resolve) =>
          child.on('exit', (status) => resolve(status)),
        );
        const failed = output.lines.filter((line) => line.ok !== true);
        expect(failed, output.stderr()).toEqual([]);
        expect(code, output.stderr()).toBe(0);
        // 1 subprotocol + 1 compression + 9 sizes × 2 + 2 fragmented + ping + 2 server commands + 2 closes
        expect(output.lines).toHaveLength(27);
        const negotiated = output.lines.find((line) => line.check === 'compression negotiated');
        expect(parameters(negotiated?.detail)).toEqual(parameters(variant.agreed));
        expect(agreed.map(parameters)).toEqual([parameters(variant.agreed), parameters(variant.agreed)]);
        expect(seen.pongs).toEqual(['from-server']);
        await expect
          .poll(() => seen.closes)
          .toEqual([
            { code: 4007, reason: 'python-client-bye', wasClean: true },
            { code: 4008, reason: 'our-server-bye', wasClean: true },
          ]);
        // The exchange's connection (the first): both directions went compressed.
        expect(sockets[0]!.bytesRead, 'from python').toBeLessThan(EXCHANGED / 8);
        expect(sockets[0]!.bytesWritten, 'from our server').toBeLessThan(EXCHANGED / 8);
      });
    }
  });
});

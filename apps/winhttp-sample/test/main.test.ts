// The sample as a child process: `node src/main.ts` against ws's echo server, standalone with
// --echo-server, and failing against a server that is not there.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Runs the sample with `args`; resolves with its exit code and everything it printed. */
async function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return { code: code as number | null, output };
}

/** The lines the sample prints for the 24-byte echo read 10 bytes at a time. */
const FLOW = [
  'WINHTTP_CALLBACK_STATUS_HANDLE_CREATED',
  'WINHTTP_CALLBACK_STATUS_HANDLE_CREATED',
  'WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE',
  'WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE',
  'The server answered with HTTP status 101',
  'WINHTTP_CALLBACK_STATUS_HANDLE_CREATED',
  'WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING',
  'Successfully upgraded to websocket protocol',
  'WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE { dwBytesTransferred: 24, eBufferType: 0 }',
  "Sent message to the server: 'Hello world'",
  'WINHTTP_CALLBACK_STATUS_READ_COMPLETE { dwBytesTransferred: 10, eBufferType: 1 }',
  'WINHTTP_CALLBACK_STATUS_READ_COMPLETE { dwBytesTransferred: 10, eBufferType: 1 }',
  'WINHTTP_CALLBACK_STATUS_READ_COMPLETE { dwBytesTransferred: 4, eBufferType: 0 }',
  "Received message from the server: 'Hello world'",
  'WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE',
  "The server closed the connection with status code: '1000' and reason: ''",
  'WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING',
  'WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING',
  'WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING',
];

describe('node src/main.ts', () => {
  it("runs Microsoft's sample flow against --url (ws's echo server)", async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    server.on('connection', (socket) =>
      socket.on('message', (data, binary) => socket.send(data, { binary })),
    );
    try {
      const { port } = server.address() as AddressInfo;
      const { code, output } = await run(['--url', `ws://127.0.0.1:${port}/`]);
      expect(output.trim().split('\n')).toEqual(FLOW);
      expect(code).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('starts its own echo server with --echo-server', async () => {
    const { code, output } = await run(['--echo-server', '--receive', '16']);
    const lines = output.trim().split('\n');
    expect(lines[0]).toMatch(/^Started a local echo server at ws:\/\/127\.0\.0\.1:\d+\/$/);
    expect(lines).toContain(
      'WINHTTP_CALLBACK_STATUS_READ_COMPLETE { dwBytesTransferred: 16, eBufferType: 1 }',
    );
    expect(lines).toContain(
      'WINHTTP_CALLBACK_STATUS_READ_COMPLETE { dwBytesTransferred: 8, eBufferType: 0 }',
    );
    expect(lines).toContain("Received message from the server: 'Hello world'");
    expect(code).toBe(0);
  });

  it('prints the error code and exits with 1 when the server is not there; 2 for bad flags', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { code, output } = await run(['--url', `ws://127.0.0.1:${port}/`]);
    expect(output).toContain('WINHTTP_CALLBACK_STATUS_REQUEST_ERROR {"dwResult":5,"dwError":12029}');
    expect(output).toContain('Application failed with error: 12029');
    expect(code).toBe(1);
    expect((await run([])).code).toBe(2);
    expect((await run(['--url', 'http://example.com/'])).code).toBe(2);
  });
});

/** Servers and clients of the CVE regression tests on Node. Not a test file. */
import { once } from 'node:events';
import { connect, createServer, type WebSocketServerOptions } from '@wskit/node';
import { defer } from '../helpers.js';

/** A standalone echo server on loopback, port 0; closed after the test. */
export async function echoServer(options: WebSocketServerOptions = {}): Promise<number> {
  const server = createServer({ port: 0, host: '127.0.0.1', ...options }, (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data) => void ws.send(data));
  });
  defer(() => server.close());
  await once(server, 'listening');
  return server.port!;
}

/** Whether the server at `port` still completes a handshake and echoes: the attack did not break it. */
export async function stillServes(port: number): Promise<boolean> {
  const ws = await connect(`ws://127.0.0.1:${port}/`);
  try {
    const echoed = new Promise((resolve) => ws.once('message', resolve));
    await ws.send('still here');
    return (await echoed) === 'still here';
  } finally {
    ws.terminate();
  }
}

/** 1 MiB. */
export const MiB = 1024 * 1024;

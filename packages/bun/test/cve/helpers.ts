/** Servers and clients of the CVE regression tests under Bun. Not a test file. */
import { connect, serve, type WebSocketServerOptions } from '@wskit/bun';
import { defer } from '../helpers.js';

/** An echo server on loopback, port 0; closed after the test. */
export function echoServer(options: WebSocketServerOptions = {}): number {
  const server = serve({ hostname: '127.0.0.1', ...options }, (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data) => void ws.send(data));
  });
  defer(() => server.close());
  return server.port;
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

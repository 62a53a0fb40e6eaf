// Shared by the echo server's tests: start `src/main.ts` and talk to it.
import { fileURLToPath } from 'node:url';
import type { WebSocketSession } from '@wskit/node';
import { type RunningApp, runApp } from './run-app.ts';

/** The program `start` runs. */
export const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** 64 MiB and 100 000 fragments: what `--autobahn` sets, for clients that get its echoes. */
export const LARGE_LIMITS = {
  maxMessageSize: 64 * 1024 * 1024,
  maxFrameSize: 64 * 1024 * 1024,
  maxFragments: 100_000,
};

/** Starts the echo server on a free port with `args`; resolves once it printed its URL. */
export async function startEchoServer(
  args: readonly string[] = [],
  options: { until?: 'test' | 'file' } = {},
): Promise<{ app: RunningApp; url: string }> {
  const app = runApp(MAIN, ['--port', '0', ...args], options);
  const [, url] = await app.waitFor(/listening on (ws:\/\/\S+)/);
  return { app, url: url! };
}

/** The next message `session` receives. */
export function nextMessage(session: WebSocketSession): Promise<string | Uint8Array> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: string | Uint8Array) => {
      session.off('close', onClose);
      resolve(data);
    };
    const onClose = (code: number, reason: string) => {
      session.off('message', onMessage);
      reject(new Error(`closed with ${code} ${reason} before a message arrived`));
    };
    session.once('message', onMessage);
    session.once('close', onClose);
  });
}

/** Whether two byte arrays hold the same bytes (without vitest's slow deep equality on 16 MiB). */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(
    Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
  );
}

/**
 * The servers the load benchmark measures, each started once per run in its own process, pinned to
 * the server core: wskit's `apps/echo-server` (Node and Bun), the same library in event style, ws
 * with bufferutil, Bun's native server, a raw `net` echo (the ceiling) and the C neutral server
 * (for the client rows).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Launched, launch, serverCores } from './processes.ts';

const here = dirname(fileURLToPath(import.meta.url));
const appDirectory = resolve(here, '../..');
const repositoryRoot = resolve(appDirectory, '../..');
const echoServer = resolve(repositoryRoot, 'apps/echo-server/src/main.ts');
const e2e = (script: string): string => resolve(appDirectory, 'src/e2e', script);

/** The servers of the throughput table. */
export const SERVERS = ['wskit', 'wskit-event', 'ws', 'net', 'bun-wskit', 'bun-native'] as const;
export type ServerName = (typeof SERVERS)[number] | 'neutral' | 'wskit-deflate' | 'ws-deflate';

/** What each server is, for the report. */
export const SERVER_LABELS: Record<ServerName, string> = {
  wskit: 'wskit (`apps/echo-server`, for await)',
  'wskit-event': "wskit, event style (`session.on('message', …)`)",
  ws: 'ws + bufferutil',
  net: 'raw `net` echo (Node)',
  'bun-wskit': '`@wskit/bun` (`apps/echo-server --runtime bun`)',
  'bun-native': '`Bun.serve`',
  neutral: 'wsload server (C, epoll)',
  'wskit-deflate': 'wskit `WebSocketServer`, permessage-deflate',
  'ws-deflate': 'ws + bufferutil, permessage-deflate',
};

/** Whether `name` runs under Bun. */
export const isBunServer = (name: ServerName): boolean => name.startsWith('bun-');

/**
 * The workspace's Bun executable (the root `bun` devDependency), or `bun` on the PATH. The
 * executable itself, not `node_modules/.bin`'s shell wrapper: a signal sent to the wrapper would not
 * reach Bun (which then neither stops nor writes its `--cpu-prof` profile).
 */
export function bunBinary(): string {
  const local = resolve(repositoryRoot, 'node_modules/bun/bin/bun.exe');
  return existsSync(local) ? local : 'bun';
}

/** A started server. */
export interface RunningServer {
  readonly name: ServerName;
  readonly port: number;
  readonly process: Launched;
}

/** The command line of `name`. */
function commandOf(name: ServerName, loadGenerator: string): [string, string[]] {
  const node = process.execPath;
  const request = (server: string, deflate: boolean): string => JSON.stringify({ server, deflate });
  switch (name) {
    case 'wskit':
      return [node, [echoServer, '--port', '0']];
    case 'wskit-event':
      return [node, [resolve(here, 'event-server.ts')]];
    case 'ws':
      return [node, [e2e('node-server.ts'), request('ws', false)]];
    case 'net':
      return [node, [e2e('node-server.ts'), request('tcp', false)]];
    case 'bun-wskit':
      // The echo server relaunches itself under Bun for --runtime bun; start it there directly.
      return [bunBinary(), [echoServer, '--runtime', 'bun', '--port', '0']];
    case 'bun-native':
      return [bunBinary(), [e2e('bun-server.ts'), request('bun-native', false)]];
    case 'neutral':
      return [loadGenerator, ['server']];
    case 'wskit-deflate':
      return [node, [e2e('node-server.ts'), request('wskit', true)]];
    case 'ws-deflate':
      return [node, [e2e('node-server.ts'), request('ws', true)]];
  }
}

/** Starts `name` on `cores` (the server core by default) and waits until it listens. */
export async function startServer(
  name: ServerName,
  loadGenerator: string,
  cores: string = serverCores,
): Promise<RunningServer> {
  const [command, argumentsList] = commandOf(name, loadGenerator);
  const environment = { ...process.env };
  delete environment.WS_NO_BUFFER_UTIL;
  const launched = launch(command, argumentsList, { cores, environment, cwd: repositoryRoot });
  try {
    const ready = await launched.next(60_000);
    if (ready.type !== 'ready' || typeof ready.port !== 'number') throw new Error(`${name}: no port`);
    return { name, port: ready.port, process: launched };
  } catch (error) {
    await launched.stop();
    throw error;
  }
}

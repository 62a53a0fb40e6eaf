import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { connect, type WebSocketSession } from '@wskit/node';
import { afterEach, expect } from 'vitest';

/** Debian's redis-server (apt-get install redis-server; .ci/system-deps.sh installs it in CI). */
export const REDIS_SERVER = '/usr/bin/redis-server';
export const haveRedis = existsSync(REDIS_SERVER);
if (!haveRedis && !process.env.CI) {
  console.warn(`@wskit/redis tests: skipped, ${REDIS_SERVER} is missing (apt-get install -y redis-server)`);
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Registers a cleanup for the end of the current test. */
export function defer(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** A free loopback port (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server of our own on loopback, without persistence; `kill` and `start` it at will. */
export class RedisProcess {
  readonly port: number;
  #child: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freePort());
    await redis.start();
    defer(() => redis.kill());
    return redis;
  }

  /** Starts (or restarts, on the same port) and waits until it accepts connections. */
  async start(): Promise<void> {
    const child = spawn(
      REDIS_SERVER,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    });
  }

  /** Kills it at once (SIGKILL): connections drop as in a crash; what it held is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
}

/** A topic server process (fixtures/topic-server.mjs); stopped after the test. */
export async function startTopicServer(
  env: Record<string, string>,
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [new URL('./fixtures/topic-server.mjs', import.meta.url).pathname], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  defer(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await once(child, 'exit');
    clearTimeout(timer);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((each) => each.startsWith('{"port"'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`topic server exited with ${code}`)));
  });
  return { port, child };
}

/** What a test client received from a topic server: JSON messages, in order. */
export interface Received {
  readonly topic?: string;
  readonly data?: string;
  readonly offset?: string;
  readonly gap?: unknown;
  readonly missed?: boolean;
  readonly subscribed?: string;
  readonly pid?: number;
}

/** A client of a topic server: subscribe, publish, wait for messages. Terminated after the test. */
export class TopicClient {
  readonly received: Received[] = [];
  readonly pid: number;
  readonly #ws: WebSocketSession;
  #waiters: { test: () => boolean; resolve: () => void }[] = [];

  private constructor(ws: WebSocketSession, pid: number) {
    this.#ws = ws;
    this.pid = pid;
    ws.on('message', (data) => {
      this.received.push(JSON.parse(String(data)) as Received);
      this.#waiters = this.#waiters.filter((waiter) => {
        if (!waiter.test()) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  static async open(port: number): Promise<TopicClient> {
    const ws = await connect(`ws://127.0.0.1:${port}`);
    defer(() => ws.terminate());
    const hello = await new Promise<string | Uint8Array>((resolve) => ws.once('message', resolve));
    return new TopicClient(ws, (JSON.parse(String(hello)) as Received).pid!);
  }

  /** Messages of `topic` (data and offset), in order. */
  messages(topic: string): Received[] {
    return this.received.filter((each) => each.topic === topic && each.data !== undefined);
  }

  /** Settles once `test` holds (checked after each message). */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  async subscribe(topic: string, offset?: string): Promise<void> {
    const before = this.received.length;
    void this.#ws.send(offset === undefined ? `sub:${topic}` : `sub:${topic}:${offset}`);
    await this.until(() => this.received.slice(before).some((each) => each.subscribed === topic));
  }

  publish(topic: string, body: string): Promise<void> {
    return this.#ws.send(`pub:${topic}:${body}`);
  }

  close(): Promise<unknown> {
    this.#ws.close(1000);
    return this.#ws.closed;
  }
}

/** Checks that `messages` hold, per publisher (`<publisher>.<n>`), 0..count-1 exactly once and in order. */
export function expectInOrderPerPublisher(
  messages: readonly Received[],
  publishers: readonly string[],
  count: number,
) {
  for (const publisher of publishers) {
    const sequence = messages
      .map((each) => each.data!)
      .filter((data) => data.startsWith(`${publisher}.`))
      .map((data) => Number(data.slice(publisher.length + 1)));
    expect(sequence).toEqual(Array.from({ length: count }, (_, index) => index));
  }
}

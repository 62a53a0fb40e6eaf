// `start --redis`: two demo processes on two ports share the room through a real redis-server (on a
// free loopback port, no persistence); a Chromium tab on each chats with the other.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launch, openTab, say, skip } from './browser-helpers.ts';
import { defer } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const REDIS_SERVER = '/usr/bin/redis-server';
const haveRedis = existsSync(REDIS_SERVER);

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `command`, killed after the test; resolves once its output matches `ready` (with the match). */
async function run(command: string, args: string[], ready: RegExp): Promise<RegExpMatchArray> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve(match);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${output}`)));
  });
}

describe.skipIf(skip || (!haveRedis && !process.env.CI))('the demo on two processes through Redis', () => {
  it('a tab on each process chats with the other', async () => {
    expect(haveRedis, `${REDIS_SERVER} is missing: CI installs Debian's redis-server`).toBe(true);
    const redisPort = await freePort();
    await run(
      REDIS_SERVER,
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      /Ready to accept connections/,
    );
    const redis = `redis://127.0.0.1:${redisPort}`;
    const started = await Promise.all(
      [0, 1].map(() =>
        run(process.execPath, [MAIN, '--port', '0', '--redis', redis], /open (http:\/\/\S+) in/),
      ),
    );
    const [urlA, urlB] = started.map((match) => match[1]!) as [string, string];
    expect(urlA).not.toBe(urlB);
    const browser = await launch();
    const errors: string[] = [];
    const tabA = await openTab(browser, { url: urlA }, errors);
    const tabB = await openTab(browser, { url: urlB }, errors);
    // B's arrival on the other process reaches A through Redis.
    const nameB = await tabB.evaluate(() => window.wskitDemo!.you!.name);
    await tabA.locator('.notice', { hasText: nameB }).waitFor();
    await say(tabA, 'Hello from process A');
    await tabB.locator('.message .bubble', { hasText: 'Hello from process A' }).waitFor();
    await tabA.locator('.message.mine .bubble', { hasText: 'Hello from process A' }).waitFor();
    await say(tabB, 'Hello back from process B');
    await tabA.locator('.message .bubble', { hasText: 'Hello back from process B' }).waitFor();
    // B shows its own message once its server echoed it back: wait for that before counting.
    await tabB.locator('.message.mine .bubble', { hasText: 'Hello back from process B' }).waitFor();
    expect(await tabA.locator('.message').count()).toBe(2);
    expect(await tabB.locator('.message').count()).toBe(2);
    expect(errors).toEqual([]);
  });
});

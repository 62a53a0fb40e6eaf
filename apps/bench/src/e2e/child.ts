/**
 * The parent's side of a child process: starts it with its request as a JSON argument, reads the
 * JSON lines it prints, and stops it by closing its standard input (the children exit then; a
 * kill after a grace period makes sure).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ChildMessage } from './protocol.ts';

/** A running child process. */
export interface Child {
  /** The next message the child prints (a child's `error` line rejects). */
  next(): Promise<ChildMessage & { type: 'ready' | 'result' }>;
  /** Closes its standard input and resolves once it has exited. */
  stop(): Promise<void>;
}

/** How long a child may take to exit once asked. */
const STOP_GRACE_MS = 3000;

/** Starts `command` with `argumentsList` and the request (JSON) as its last argument. */
export function startChild(
  command: string,
  argumentsList: readonly string[],
  request: unknown,
  environment: NodeJS.ProcessEnv = process.env,
): Child {
  const child: ChildProcess = spawn(command, [...argumentsList, JSON.stringify(request)], {
    env: environment,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const queue: ChildMessage[] = [];
  const waiting: Array<{ resolve: (message: ChildMessage) => void; reject: (error: Error) => void }> = [];
  let ended: Error | undefined;
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));

  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const message = JSON.parse(line) as ChildMessage;
    const waiter = waiting.shift();
    if (waiter === undefined) queue.push(message);
    else waiter.resolve(message);
  });
  child.on('exit', (code, signal) => {
    ended = new Error(`${command} ${argumentsList.join(' ')} exited (${signal ?? code})`);
    for (const waiter of waiting.splice(0)) waiter.reject(ended);
  });
  child.on('error', (error) => {
    ended = error;
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  });

  return {
    async next() {
      const message =
        queue.shift() ??
        (await new Promise<ChildMessage>((resolve, reject) => {
          if (ended !== undefined) reject(ended);
          else waiting.push({ resolve, reject });
        }));
      if (message.type === 'error') throw new Error(message.message);
      return message;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

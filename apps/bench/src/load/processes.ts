/**
 * Child processes of the load benchmark: pinned to a core with `taskset` where it exists, with a
 * raised open-file limit where asked, their JSON lines (or the echo server's "listening on" line)
 * read as they come, their process tree found from /proc (for CPU time), and stopped by id.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';

/** Whether `taskset` (util-linux) can pin processes here. */
export const canPin: boolean = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;

/** The cores: the server under test gets core 0, the load the others (all cores if there is one). */
export const serverCores = '0';
export const loadCores: string = (() => {
  const cores = availableParallelism();
  return cores > 1 ? (cores === 2 ? '1' : `1-${cores - 1}`) : '0';
})();

/** The hard limit of open files, as a shell reports it (`ulimit -Hn`). */
export function hardFileLimit(): number {
  const output = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout?.trim();
  return output === 'unlimited' ? Number.POSITIVE_INFINITY : Number(output);
}

/** How to start one process. */
export interface LaunchOptions {
  /** `taskset -c <cores>` when {@link canPin}. */
  cores?: string | undefined;
  /** `ulimit -n <files>` in the child's shell first. */
  files?: number | undefined;
  environment?: NodeJS.ProcessEnv | undefined;
  cwd?: string | undefined;
}

/** A JSON line a child printed. */
export type Line = Record<string, unknown> & { type: string };

/** A running child. */
export interface Launched {
  readonly pid: number;
  /** The next JSON line (or the echo server's listening line, as `{type:'ready',port}`). */
  next(timeoutMs?: number): Promise<Line>;
  /** The child's pid and its descendants' (Bun relaunched by the echo server, for instance). */
  tree(): number[];
  /** Ends its standard input, then SIGTERM, then SIGKILL, to it and its descendants; resolves on exit. */
  stop(): Promise<void>;
  /** What the child wrote on standard error (the last 4 KiB). */
  errors(): string;
}

const LISTENING = /listening on wss?:\/\/[^\s]*:(\d+)/;

/** Starts `command` with `argumentsList`. */
export function launch(
  command: string,
  argumentsList: readonly string[],
  options: LaunchOptions = {},
): Launched {
  let argv = [command, ...argumentsList];
  if (options.cores !== undefined && canPin) argv = ['taskset', '-c', options.cores, ...argv];
  if (options.files !== undefined)
    argv = ['sh', '-c', `ulimit -n ${options.files} && exec "$@"`, 'sh', ...argv];
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), {
    env: options.environment ?? process.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const queue: Line[] = [];
  const waiting: Array<(line: Line | Error) => void> = [];
  let ended: Error | undefined;
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deliver = (line: Line | Error): void => {
    const waiter = waiting.shift();
    if (waiter !== undefined) waiter(line);
    else if (!(line instanceof Error)) queue.push(line);
  };
  createInterface({ input: child.stdout! }).on('line', (text) => {
    if (text.startsWith('{')) deliver(JSON.parse(text) as Line);
    else {
      const match = LISTENING.exec(text);
      if (match) deliver({ type: 'ready', port: Number(match[1]) });
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4096);
  });
  child.on('exit', (code, signal) => {
    ended = new Error(`${argv.join(' ')} exited (${signal ?? code}): ${stderr.trim().slice(-1500)}`);
    for (const waiter of waiting.splice(0)) waiter(ended);
  });
  child.on('error', (error) => {
    ended = error;
    for (const waiter of waiting.splice(0)) waiter(error);
  });
  const tree = (): number[] => descendants(child.pid!);
  return {
    pid: child.pid!,
    async next(timeoutMs = 60_000) {
      const queued = queue.shift();
      if (queued !== undefined) return queued;
      if (ended !== undefined) throw ended;
      const line = await new Promise<Line | Error>((resolve) => {
        const timer = setTimeout(
          () => resolve(new Error(`${argv.join(' ')}: no answer in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiting.push((value) => {
          clearTimeout(timer);
          resolve(value);
        });
      });
      if (line instanceof Error) throw line;
      if (line.type === 'error') throw new Error(String(line.message));
      return line;
    },
    tree,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const pids = tree();
      child.stdin?.end();
      const signal = (name: NodeJS.Signals): void => {
        for (const pid of pids) {
          try {
            process.kill(pid, name);
          } catch {
            // already gone
          }
        }
      };
      const term = setTimeout(() => signal('SIGTERM'), 1500);
      const kill = setTimeout(() => signal('SIGKILL'), 4000);
      await exited;
      clearTimeout(term);
      clearTimeout(kill);
      // Descendants that outlived their parent (a relaunched Bun) go too.
      for (const pid of pids.slice(1)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
    errors: () => stderr,
  };
}

/** `pid` and every process below it, from /proc/<pid>/task/<tid>/children (Linux). */
export function descendants(pid: number): number[] {
  const found = [pid];
  for (let index = 0; index < found.length; index++) {
    const taskDirectory = `/proc/${found[index]}/task`;
    if (!existsSync(taskDirectory)) continue;
    for (const task of readdirSync(taskDirectory)) {
      try {
        const children = readFileSync(`${taskDirectory}/${task}/children`, 'utf8').trim();
        if (children !== '') found.push(...children.split(/\s+/).map(Number));
      } catch {
        // the task ended meanwhile
      }
    }
  }
  return found;
}

import type { SessionOptions, WebSocket } from '@wskit/transport';
import {
  type ConformanceCase,
  type ConformanceEnv,
  caseTimeout,
  conformanceCases,
} from './conformance-cases.js';

/** The outcome of one case: JSON-able, so that a Worker can answer with it. */
export interface ConformanceResult {
  /** The case's name. */
  readonly name: string;
  /** Whether it passed. */
  readonly ok: boolean;
  /** Why it failed: the error's name, message and stack. */
  readonly error?: string;
  /** How long it ran, in milliseconds. */
  readonly durationMs: number;
}

/** Options of {@link runConformance}. */
export interface RunConformanceOptions {
  /** Runs only the cases this returns true for (default: all). */
  filter?: (name: string) => boolean;
  /** Fails a case that runs longer than this (default 30 000 ms). */
  timeout?: number;
  /** The cases (default {@link conformanceCases}). */
  cases?: readonly ConformanceCase[];
}

/**
 * Runs the conformance cases one after the other against `env` and reports each. WebSockets a case
 * left open are terminated after it. Never rejects.
 */
export async function runConformance(
  env: ConformanceEnv,
  options: RunConformanceOptions = {},
): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  const timeout = options.timeout ?? 30_000;
  for (const testCase of options.cases ?? conformanceCases) {
    if (options.filter !== undefined && !options.filter(testCase.name)) continue;
    results.push(await runConformanceCase(testCase, env, timeout));
  }
  return results;
}

/** Runs one case with a timeout, terminating the WebSockets it opened once it is over. */
export async function runConformanceCase(
  testCase: ConformanceCase,
  env: ConformanceEnv,
  timeout = 30_000,
): Promise<ConformanceResult> {
  const opened: WebSocket[] = [];
  const tracked: ConformanceEnv = {
    connect: async (path: string, options?: SessionOptions) => {
      const ws = await env.connect(path, options);
      opened.push(ws);
      return ws;
    },
  };
  try {
    return await timedResult(testCase.name, () => testCase.run(tracked), timeout);
  } finally {
    for (const ws of opened) ws.terminate();
  }
}

/** Runs `run` with a timeout and reports its outcome as a {@link ConformanceResult} named `name`. */
export async function timedResult(
  name: string,
  run: () => Promise<void>,
  timeout: number,
): Promise<ConformanceResult> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(caseTimeout(name, timeout)), timeout);
      }),
    ]);
    return { name, ok: true, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      name,
      ok: false,
      error: error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
  }
}

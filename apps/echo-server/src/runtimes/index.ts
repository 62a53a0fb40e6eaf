/**
 * The runtimes `--runtime` can name. Each is a module loaded only when asked for, so a runtime's
 * own modules (`bun`, `cloudflare:sockets`, …) are never touched by another runtime.
 *
 * To add one, write `runtimes/<name>.ts` exporting `runtime` (a {@link Runtime}) and add a line to
 * {@link runtimeModules}; remove it from {@link plannedRuntimes}. A runtime that needs its own binary
 * (Bun) gets a line in `relaunch.ts` too: apps call {@link relaunchIfNeeded} before loading it.
 */

import { relaunchIfNeeded } from './relaunch.ts';
import type { Runtime } from './types.ts';

export { findBinary, relaunchIfNeeded } from './relaunch.ts';
export type { ConnectOptions, Listener, ListenOptions, Runtime } from './types.ts';

/** The runtimes available, by name. */
const runtimeModules: Record<string, () => Promise<{ runtime: Runtime }>> = {
  node: () => import('./node.ts'),
  bun: () => import('./bun.ts'),
};

/** Runtimes announced but not written yet, with what stands in the way. */
const plannedRuntimes: Record<string, string> = {};

/** The runtime `--runtime` picks when none is named. */
export const DefaultRuntime = 'node';

/** The names `--runtime` takes. */
export const runtimeNames: readonly string[] = Object.keys(runtimeModules);

/** Why {@link loadRuntime} could not give the runtime asked for; the message says what to do. */
export class RuntimeUnavailableError extends Error {
  override readonly name = 'RuntimeUnavailableError';
}

/** Loads the runtime called `name`, or throws {@link RuntimeUnavailableError}. */
export async function loadRuntime(name: string): Promise<Runtime> {
  const load = Object.hasOwn(runtimeModules, name) ? runtimeModules[name] : undefined;
  if (load !== undefined) return (await load()).runtime;
  const planned = Object.hasOwn(plannedRuntimes, name) ? plannedRuntimes[name] : undefined;
  if (planned !== undefined) {
    throw new RuntimeUnavailableError(`--runtime ${name} is not available yet: ${planned}`);
  }
  throw new RuntimeUnavailableError(
    `--runtime must be one of ${runtimeNames.join(', ')}, not ${JSON.stringify(name)}`,
  );
}

/**
 * What both apps do before they start: under Node with `--runtime bun`, relaunch under Bun (and exit
 * with its status); otherwise load the runtime and check it can do `--deflate`. Any problem goes to
 * `fail` with a message for the user.
 */
export async function prepareRuntime(
  name: string,
  options: { label: string; deflate: boolean; fail: (message: string) => never },
): Promise<Runtime> {
  await relaunchIfNeeded(name, options.label);
  let runtime: Runtime;
  try {
    runtime = await loadRuntime(name);
  } catch (error) {
    if (error instanceof RuntimeUnavailableError) options.fail(error.message);
    throw error;
  }
  if (options.deflate && !runtime.supportsDeflate) {
    options.fail(
      `--deflate: permessage-deflate is not available yet on ${runtime.name}: ` +
        `the runtime adapter has no option to negotiate it (see the README)`,
    );
  }
  return runtime;
}

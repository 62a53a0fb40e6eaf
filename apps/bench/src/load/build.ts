/**
 * Compiles the load generator (`wsload.c`) with the machine's C compiler into `apps/bench/.build/`
 * (gitignored), once per change of the source.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The C source of the load generator and neutral echo server. */
export const loadGeneratorSource = resolve(here, 'wsload.c');
/** Where the compiled program goes. */
export const loadGeneratorBinary = resolve(here, '../../.build/wsload');

/** The first C compiler on the PATH (`cc`, `gcc`, `clang`), or undefined. */
export function findCompiler(): string | undefined {
  for (const name of ['cc', 'gcc', 'clang']) {
    const probe = spawnSync(name, ['--version'], { stdio: 'ignore' });
    if (probe.status === 0) return name;
  }
  return undefined;
}

/** The compiler's first line of `--version`, for the report. */
export function compilerVersion(compiler: string): string {
  const output = spawnSync(compiler, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return output.split('\n')[0]?.trim() ?? compiler;
}

/**
 * Compiles `wsload.c` unless the binary is newer than the source; returns the binary's path.
 * Throws (with the compiler's output) when no compiler exists or the compilation fails.
 */
export function buildLoadGenerator(compiler = findCompiler()): string {
  if (compiler === undefined) {
    throw new Error('no C compiler (cc, gcc or clang) on the PATH: install gcc to run the load benchmark');
  }
  if (
    existsSync(loadGeneratorBinary) &&
    statSync(loadGeneratorBinary).mtimeMs >= statSync(loadGeneratorSource).mtimeMs
  ) {
    return loadGeneratorBinary;
  }
  mkdirSync(dirname(loadGeneratorBinary), { recursive: true });
  execFileSync(
    compiler,
    ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-o', loadGeneratorBinary, loadGeneratorSource],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return loadGeneratorBinary;
}

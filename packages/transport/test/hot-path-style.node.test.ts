/// <reference types="node" />
// Two JavaScript constructs that V8 (Node 24) leaves off its fast paths, found in the per-message
// code and removed from every package, kept out by this scan of their sources:
//
// - private accessors (`get #x()`, `set #x(v)`): TurboFan calls them instead of inlining them,
//   about 5 ns per access against 1 for a private method or a field; the engine driver read and
//   wrote a dozen flags this way per message (an in-process echo of 64-byte messages spent 655 ns
//   per message with them, 490 ns with private methods);
// - a `static get [Symbol.species]()` accessor on a class: `instanceof` that class then costs about
//   20 ns instead of 6 (a data property, set with `Object.defineProperty`, keeps the fast path).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const packagesDir = join(import.meta.dirname, '..', '..');

/** Every TypeScript source file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

const sources = readdirSync(packagesDir)
  .map((name) => join(packagesDir, name, 'src'))
  .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true)
  .flatMap(sourceFiles);

/** The code lines (not comment lines) of `pattern` in every source file, as `package/src/file.ts:line: text`. */
function linesMatching(pattern: RegExp): string[] {
  const found: string[] = [];
  for (const file of sources) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        const text = line.trim();
        const comment = text.startsWith('//') || text.startsWith('/*') || text.startsWith('*');
        if (!comment && pattern.test(line))
          found.push(`${relative(packagesDir, file)}:${index + 1}: ${line.trim()}`);
      });
  }
  return found;
}

describe('hot-path style', () => {
  it('scans the sources of every package', () => {
    expect(sources.some((file) => file.endsWith(join('transport', 'src', 'session.ts')))).toBe(true);
    expect(sources.some((file) => file.endsWith(join('protocol', 'src', 'connection.ts')))).toBe(true);
    expect(sources.length).toBeGreaterThan(100);
  });

  it('declares no private accessors (use a private method or a field)', () => {
    expect(linesMatching(/^\s*(?:static\s+)?(?:get|set)\s+#\w+\s*\(/)).toEqual([]);
  });

  it('declares no Symbol.species accessor (use a data property)', () => {
    expect(linesMatching(/\bget\s+\[Symbol\.species\]/)).toEqual([]);
  });
});

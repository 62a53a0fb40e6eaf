/// <reference types="node" />
// The package must run unchanged on every runtime and stay linear on hostile input: its source may
// use no runtime-specific API and no regular expression.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const sourceDir = join(import.meta.dirname, '..', 'src');
const sources = readdirSync(sourceDir)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ name, code: stripComments(readFileSync(join(sourceDir, name), 'utf8')) }));

/** The code without comments and string contents, so documentation may mention anything. */
function stripComments(code: string): string {
  return code
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/'(?:[^'\\\n]|\\.)*'/g, "''")
    .replace(/`(?:[^`\\]|\\.)*`/g, '``');
}

describe('sans-I/O', () => {
  it('has source files to check', () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  it.each([
    ['node: imports', /from\s+['"]node:/],
    ['require', /\brequire\s*\(/],
    ['Buffer', /\bBuffer\b/],
    ['process', /\bprocess\b/],
    ['timers', /\b(?:setTimeout|setInterval|setImmediate|queueMicrotask)\b/],
    ['Bun or Deno', /\b(?:Bun|Deno)\b/],
    ['fetch or sockets', /\b(?:fetch|WebSocket|XMLHttpRequest)\b/],
    ['async code', /\b(?:async|await)\b/],
    ['crypto.subtle', /\bsubtle\b/],
  ])('uses no %s', (_name, pattern) => {
    for (const { name, code } of sources) expect(pattern.test(code), name).toBe(false);
  });

  it('uses no regular expressions', () => {
    for (const { name, code } of sources) {
      expect(/\bRegExp\b/.test(code), name).toBe(false);
      // A regex literal follows one of these tokens; division never does in this code base.
      expect(/(?:[=(,:!&|?{};]|return|\n)\s*\/(?![/*])[^/\n]+\/[dgimsuy]*/.test(code), name).toBe(false);
    }
  });

  it('has no runtime dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(sourceDir, '..', 'package.json'), 'utf8'));
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.peerDependencies).toBeUndefined();
  });
});

import type { CompilerOptions } from 'typescript';

/** One fenced block of a README. */
export interface ReadmeBlock {
  /** The 1-based line of the opening fence. */
  line: number;
  /** The heading the block sits under ('' before the first heading). */
  heading: string;
  /** The whole info string, e.g. `ts fragment`. */
  info: string;
  /** The info string's first word: `ts`, `js`, `sh`, `json`, `text`, … */
  language: string;
  /** The info string's other words: `fragment`, `bun`, `worker`, `output`. */
  markers: string[];
  /** The block's text, ending with a newline. */
  code: string;
}

/** What `testReadme` needs from the package's test. */
export interface ReadmeTestOptions {
  /** The test framework's `it` (vitest or `bun:test`). */
  it: (name: string, body: () => Promise<void> | void, timeout?: number) => unknown;
  /**
   * Runners for blocks that are not scripts: `worker` gets a `ts worker` block and its file, and
   * resolves with the output to compare with a following `text output` block.
   */
  runners?: { worker?: (block: ReadmeBlock, file: string) => Promise<string | undefined> };
  /** The runtime of runnable blocks without a `bun` marker: `node` (the default) or `bun`. */
  runtime?: 'node' | 'bun';
  /** Compiler options on top of the base tsconfig's (e.g. `types: ['bun']`). */
  compilerOptions?: CompilerOptions;
}

/** Every fenced block of a Markdown text. */
export function extractBlocks(markdown: string): ReadmeBlock[];

/** Registers one test per block of the README at `readme` (see readme-blocks.js for the rules). */
export function testReadme(readme: string | URL, options: ReadmeTestOptions): void;

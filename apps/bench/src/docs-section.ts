/**
 * docs/benchmarks.md is one document with a section per benchmark: each benchmark rewrites only
 * the text between its markers (`<!-- load:begin -->` … `<!-- load:end -->`), so the load and the
 * end-to-end runs can be repeated independently.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The sections, in the order they appear in a new document. */
const ORDER = ['load', 'e2e'];

const HEADER = `# Benchmarks

Two benchmarks write this page, each its own section: **under load** (\`npx pnpm@10.34.9 --filter
@wskit/bench load\`: a load generator in C drives each server pinned to its own core; the numbers
issue 13's goals are checked against) and **end to end** (\`npx pnpm@10.34.9 --filter @wskit/bench
e2e\`: Node and Bun clients and servers against each other). The codec alone is benchmarked by
\`npx pnpm@10.34.9 bench\` (see \`apps/bench/README.md\`).
`;

/** Writes `text` to `path` through a temporary file, so a reader never sees half of it. */
export function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** Moves every ATX heading of `markdown` one level down (`#` → `##`), to nest it in a section. */
export function demoteHeadings(markdown: string): string {
  return markdown.replace(/^(#{1,5}) /gm, '#$1 ');
}

const begin = (name: string): string => `<!-- ${name}:begin -->`;
const end = (name: string): string => `<!-- ${name}:end -->`;

/**
 * Replaces section `name` of the Markdown document at `path` with `content` (created with the
 * shared header if missing; a missing section goes in its place in {@link ORDER}).
 */
export function writeSection(path: string, name: string, content: string): void {
  let document = existsSync(path) ? readFileSync(path, 'utf8') : HEADER;
  if (!ORDER.some((item) => document.includes(begin(item)))) {
    // A document from before the sections: the end-to-end report, which becomes its section.
    const legacy = document.startsWith('# Benchmarks: end to end') ? document : undefined;
    document =
      legacy === undefined
        ? HEADER
        : `${HEADER}\n${begin('e2e')}\n${demoteHeadings(legacy).trim()}\n${end('e2e')}\n`;
  }
  const block = `${begin(name)}\n${content.trim()}\n${end(name)}`;
  const start = document.indexOf(begin(name));
  const stop = document.indexOf(end(name));
  if (start !== -1 && stop > start) {
    document = document.slice(0, start) + block + document.slice(stop + end(name).length);
  } else {
    const later = ORDER.slice(ORDER.indexOf(name) + 1)
      .map((item) => document.indexOf(begin(item)))
      .filter((index) => index !== -1);
    const at = later.length > 0 ? Math.min(...later) : document.length;
    const before = document.slice(0, at).replace(/\n*$/, '\n\n');
    const after = document.slice(at);
    document = `${before}${block}\n${after === '' ? '' : `\n${after}`}`;
  }
  writeAtomically(path, document.replace(/\n*$/, '\n'));
}

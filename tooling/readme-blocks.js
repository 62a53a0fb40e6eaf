// @ts-check
/**
 * README code blocks as tests: every fenced block of a README is extracted and checked according to
 * its info string, so an example runs exactly as it is printed. One helper for every package and
 * app; each one's `test/readme-blocks.test.ts` is two lines that call `testReadme`.
 *
 * Info strings (the first word is the language, further words are markers):
 *
 * | info string            | what the test does                                                          |
 * | ---------------------- | --------------------------------------------------------------------------- |
 * | `ts`, `js`             | type-checks it (a `js` block with `checkJs`), then runs it as a module with   |
 * |                        | the pinned Node (types stripped), from the package folder, so `@wskit/...`  |
 * |                        | imports resolve to the built package as they do for a user. It must exit 0  |
 * |                        | on its own within 20 s and write nothing to stderr.                         |
 * | `ts bun`               | the same, run with Bun (every block of a package whose test says             |
 * |                        | `runtime: 'bun'`, such as @wskit/bun's).                                     |
 * | `ts worker`            | type-checked, then handed to the `worker` runner the package's test gives   |
 * |                        | (a Worker module runs in workerd, not as a script); what the runner returns |
 * |                        | is compared with a `text output` block that follows.                        |
 * | `ts fragment`          | type-checked only: a piece of a program, not a program. Names it takes from |
 * |                        | the surrounding text are declared in the block (`declare const ws: ...`).   |
 * | `text output`          | the exact stdout of the runnable block right before it (checked: an output  |
 * |                        | block anywhere else fails).                                                 |
 * | `sh`                   | not run. Each `npm install` / `bun add` / `pnpm add` line must name only    |
 * |                        | packages of this workspace that are published (not private). The commands |
 * |                        | that run the repository (install, test, start, bench) are what CI runs.    |
 * | `json`                 | must parse as JSON.                                                         |
 * | `text`, `http`, `diff` | prose: output, diagrams, layouts. Not run.                                  |
 *
 * A block without an info string fails: say what it is. A runnable block never talks to the
 * network: an example that needs a server starts its own on port 0 and closes it, so that it runs
 * as printed. The one placeholder is for a Worker, which cannot start a server: its test gives the
 * Worker an `env` binding (named in the block) holding the URL of a server the test started.
 *
 * The extracted files go to `<package>/.readme-blocks/` (git-ignored), named after the README and
 * the block's line, so a failure names the line to fix.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUN_TIMEOUT = 20_000;
const LANGUAGES = new Set(['ts', 'js', 'sh', 'json', 'text', 'http', 'diff']);
const MARKERS = new Set(['fragment', 'bun', 'worker', 'output']);

/**
 * @typedef {import('./readme-blocks.d.ts').ReadmeBlock} ReadmeBlock
 * @typedef {import('./readme-blocks.d.ts').ReadmeTestOptions} ReadmeTestOptions
 */

/**
 * Every fenced block of a Markdown file, with its info string split into language and markers, the
 * heading it sits under and its 1-based line.
 *
 * @param {string} markdown
 * @returns {ReadmeBlock[]}
 */
export function extractBlocks(markdown) {
  /** @type {ReadmeBlock[]} */
  const blocks = [];
  const lines = markdown.split('\n');
  let heading = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const open = /^(\s*)(`{3,})(.*)$/.exec(line);
    if (!open) {
      if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
      continue;
    }
    const indent = open[1] ?? '';
    const fence = open[2] ?? '```';
    const info = (open[3] ?? '').trim();
    const body = [];
    let end = index + 1;
    while (end < lines.length && (lines[end] ?? '').trim() !== fence) {
      const text = lines[end] ?? '';
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text);
      end++;
    }
    const [language = '', ...markers] = info.split(/\s+/).filter(Boolean);
    blocks.push({ line: index + 1, heading, info, language, markers, code: `${body.join('\n')}\n` });
    index = end;
  }
  return blocks;
}

/** @param {ReadmeBlock} block */
function isRunnable(block) {
  return (block.language === 'ts' || block.language === 'js') && !block.markers.includes('fragment');
}

/** @param {ReadmeBlock} block */
function describeBlock(block) {
  return `line ${block.line} \`\`\`${block.info}${block.heading ? ` (${block.heading})` : ''}`;
}

/** The workspace packages by name: folder and whether they are published. */
function workspacePackages() {
  /** @type {Map<string, { dir: string, published: boolean }>} */
  const packages = new Map();
  for (const group of ['packages', 'apps']) {
    const groupDir = join(repositoryRoot, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir)) {
      const file = join(groupDir, name, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      packages.set(manifest.name, { dir: join(groupDir, name), published: manifest.private !== true });
    }
  }
  return packages;
}

/**
 * The folder a block runs in: the package the README belongs to, or, for the root README, the
 * package of the block's first `@wskit/` import (so it resolves what that package's user has).
 *
 * @param {ReadmeBlock} block
 * @param {string} readmeDir
 */
function runDirectory(block, readmeDir) {
  if (existsSync(join(readmeDir, 'package.json')) && readmeDir !== repositoryRoot) return readmeDir;
  const imported = /from\s+['"](@wskit\/[^/'"]+)/.exec(block.code)?.[1];
  const found = imported ? workspacePackages().get(imported) : undefined;
  if (!found) throw new Error(`${describeBlock(block)}: imports no @wskit package to run it beside`);
  return found.dir;
}

/** @param {string} dir */
function findBinary(dir, name) {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'node_modules', '.bin', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return name;
  }
}

/**
 * Runs `file` with `command` and resolves with its output; rejects when it does not end in time.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<{ code: number | null, signal: string | null, stdout: string, stderr: string }>}
 */
function runProcess(command, args, cwd) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `did not exit within ${RUN_TIMEOUT / 1000} s (an example must end on its own: close what it opens)\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, RUN_TIMEOUT);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Type-checks the given files as one program (each file is its own module) and returns the
 * diagnostics of each file.
 *
 * @param {string[]} files
 * @param {import('typescript').CompilerOptions} extra
 */
function typecheck(files, extra) {
  const base = ts.readConfigFile(join(repositoryRoot, 'tooling', 'tsconfig.base.json'), ts.sys.readFile);
  const parsed = ts.convertCompilerOptionsFromJson(base.config.compilerOptions, repositoryRoot);
  /** @type {import('typescript').CompilerOptions} */
  const options = {
    ...parsed.options,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.asynciterable.d.ts'],
    types: ['node'],
    allowJs: true,
    checkJs: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    declaration: false,
    ...extra,
  };
  const program = ts.createProgram(files, options);
  /** @type {Map<string, string[]>} */
  const byFile = new Map(files.map((file) => [file, []]));
  const format = {
    getCanonicalFileName: (/** @type {string} */ name) => name,
    getCurrentDirectory: () => repositoryRoot,
    getNewLine: () => '\n',
  };
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName;
    const text = ts.formatDiagnostic(diagnostic, format).trim();
    const list = file ? byFile.get(resolve(file)) : undefined;
    if (list) list.push(text);
    else for (const other of byFile.values()) other.push(text); // a global error fails every block
  }
  return byFile;
}

/**
 * The shell lines that install packages, and the names they install.
 *
 * @param {string} code
 */
function installedNames(code) {
  const names = [];
  for (const line of code.split('\n')) {
    const command = /^\s*(?:npm\s+(?:install|i)|bun\s+add|pnpm\s+add|yarn\s+add)\s+(.*)$/.exec(line);
    if (!command) continue;
    for (const word of (command[1] ?? '').replace(/#.*$/, '').split(/\s+/)) {
      if (word && !word.startsWith('-')) names.push(word.replace(/(.)@[^/]*$/, '$1'));
    }
  }
  return names;
}

/**
 * Registers one test per block of a README (see the table above for what each test does).
 *
 * @param {string | URL} readme the README's path or file URL
 * @param {ReadmeTestOptions} options the test framework's `it`, plus runners and compiler options
 */
export function testReadme(readme, options) {
  const readmePath = readme instanceof URL ? fileURLToPath(readme) : resolve(readme);
  const readmeDir = dirname(readmePath);
  const blocks = extractBlocks(readFileSync(readmePath, 'utf8'));
  const slug = relative(repositoryRoot, readmeDir).replace(/[\\/]/g, '-') || 'root';
  const it = options.it;

  /** @type {Map<ReadmeBlock, string>} */
  const files = new Map();
  for (const block of blocks) {
    if (block.language !== 'ts' && block.language !== 'js') continue;
    const dir = join(runDirectory(block, readmeDir), '.readme-blocks');
    files.set(
      block,
      join(dir, `${slug}-${basename(readmePath, '.md')}-line-${block.line}.${block.language}`),
    );
  }
  /** @type {Promise<Map<string, string[]>> | undefined} */
  let diagnostics;
  const typechecked = () => {
    if (!diagnostics) {
      for (const [block, file] of files) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, block.code);
      }
      diagnostics = Promise.resolve().then(() =>
        typecheck([...files.values()], options.compilerOptions ?? {}),
      );
    }
    return diagnostics;
  };

  // One test for the README as a whole, so that a README with prose blocks only is still checked
  // (and a test file is never empty): markers where they mean something, output blocks in place.
  it(`README ${relative(repositoryRoot, readmePath)}: every block says what it is`, () => {
    const problems = [];
    blocks.forEach((block, index) => {
      if (!LANGUAGES.has(block.language)) problems.push(`${describeBlock(block)}: no known language`);
      const code = block.language === 'ts' || block.language === 'js';
      for (const marker of block.markers) {
        if (!MARKERS.has(marker)) problems.push(`${describeBlock(block)}: unknown marker ${marker}`);
        else if ((marker === 'output') === code)
          problems.push(`${describeBlock(block)}: ${marker} does not apply to a ${block.language} block`);
      }
      if (block.markers.includes('output')) {
        const previous = blocks[index - 1];
        if (block.language !== 'text' || !previous || !isRunnable(previous))
          problems.push(
            `${describeBlock(block)}: an output block is a \`text output\` right after a runnable ts or js block`,
          );
      }
    });
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });

  blocks.forEach((block, index) => {
    const name = `README ${describeBlock(block)}`;
    if (!LANGUAGES.has(block.language)) {
      it(name, () => {
        throw new Error(
          `${describeBlock(block)}: give the block an info string (${[...LANGUAGES].join(', ')}): ` +
            'ts and js blocks run, the others are prose',
        );
      });
      return;
    }
    const unknown = block.markers.filter((marker) => !MARKERS.has(marker));
    if (unknown.length > 0) {
      it(name, () => {
        throw new Error(`${describeBlock(block)}: unknown marker ${unknown.join(', ')}`);
      });
      return;
    }
    if (block.language === 'sh') {
      const names = installedNames(block.code);
      if (names.length === 0) return;
      it(name, () => {
        const packages = workspacePackages();
        for (const installed of names) {
          if (!installed.startsWith('@wskit/')) continue;
          const found = packages.get(installed);
          if (!found?.published)
            throw new Error(`${describeBlock(block)}: ${installed} is not a published package`);
        }
      });
      return;
    }
    if (block.language === 'json') {
      it(name, () => {
        JSON.parse(block.code);
      });
      return;
    }
    if (block.language !== 'ts' && block.language !== 'js') return;
    const file = files.get(block);
    if (!file) return;
    const next = blocks[index + 1];
    const expected = next?.language === 'text' && next.markers.includes('output') ? next.code : undefined;
    it(
      name,
      async () => {
        const problems = (await typechecked()).get(file) ?? [];
        if (problems.length > 0)
          throw new Error(`${describeBlock(block)} does not type-check:\n${problems.join('\n')}`);
        if (!isRunnable(block)) return;
        if (block.markers.includes('worker')) {
          const runner = options.runners?.worker;
          if (!runner) throw new Error(`${describeBlock(block)}: this package's test gives no worker runner`);
          const output = await runner(block, file);
          if (expected !== undefined && output !== expected) {
            throw new Error(
              `${describeBlock(block)} answered something else than its output block:\n` +
                `expected:\n${expected}\nactual:\n${output}`,
            );
          }
          return;
        }
        const cwd = dirname(dirname(file));
        const run =
          block.markers.includes('bun') || options.runtime === 'bun'
            ? await runProcess(findBinary(cwd, 'bun'), [file], cwd)
            : await runProcess(
                process.versions.bun ? findBinary(cwd, 'node') : process.execPath,
                ['--disable-warning=ExperimentalWarning', file],
                cwd,
              );
        const report = `\nexit: ${run.code ?? run.signal}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
        if (run.code !== 0 || run.stderr !== '') throw new Error(`${describeBlock(block)} failed${report}`);
        if (expected !== undefined && run.stdout !== expected) {
          throw new Error(
            `${describeBlock(block)} printed something else than its output block:\n` +
              `expected:\n${expected}\nactual:\n${run.stdout}`,
          );
        }
      },
      RUN_TIMEOUT + 70_000, // the first block also waits for the type check of them all
    );
  });
}

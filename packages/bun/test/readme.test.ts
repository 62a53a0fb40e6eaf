// The README's example, run as it is written there: the first ```ts block after "## Example" is
// written next to the package (so '@wskit/bun' resolves as for a user) and run with Bun; its output
// must be the one the README shows.
import { expect, it } from 'bun:test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const packageDir = join(import.meta.dir, '..');

function block(markdown: string, after: string, language: string): string {
  const start = markdown.indexOf(after);
  const open = markdown.indexOf(`\`\`\`${language}\n`, start);
  const close = markdown.indexOf('\n```', open + 4 + language.length);
  return markdown.slice(open + 4 + language.length, close + 1);
}

it('runs the README example and prints what the README says', async () => {
  const readme = await Bun.file(join(packageDir, 'README.md')).text();
  const code = block(readme, '## Example', 'ts');
  const expected = block(readme, 'It prints:', 'text');
  const dir = join(packageDir, '.test-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'readme-example.ts');
  writeFileSync(file, code);
  try {
    const run = Bun.spawnSync([process.execPath, file], { cwd: packageDir });
    expect(run.stderr.toString()).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout.toString()).toBe(expected);
  } finally {
    rmSync(file, { force: true });
  }
}, 20_000);

// Every fenced block of the README, checked by its info string (see @wskit/tooling/readme-blocks):
// runnable blocks run with real Bun, as a user of @wskit/bun runs them.
import { it } from 'bun:test';
import { testReadme } from '@wskit/tooling/readme-blocks';

testReadme(new URL('../README.md', import.meta.url), {
  it,
  runtime: 'bun',
  compilerOptions: { types: ['bun'] },
});

// Every fenced block of the README, checked by its info string (see @wskit/tooling/readme-blocks);
// the runnable ones run with Bun.
import { it } from 'bun:test';
import { testReadme } from '@wskit/tooling/readme-blocks';

testReadme(new URL('../README.md', import.meta.url), { it, runtime: 'bun', compilerOptions: { types: ['bun'] } });

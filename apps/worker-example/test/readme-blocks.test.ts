// Every fenced block of the README, checked by its info string (see @wskit/tooling/readme-blocks).
import { testReadme } from '@wskit/tooling/readme-blocks';
import { it } from 'vitest';

testReadme(new URL('../README.md', import.meta.url), { it });

// Every fenced block of the README, checked by its info string (see @wskit/tooling/readme-blocks):
// `ts worker` blocks are bundled and run in workerd (Miniflare) with a loopback backend.
import { testReadme } from '@wskit/tooling/readme-blocks';
import { it } from 'vitest';
import { runWorkerBlock } from './helpers.js';

testReadme(new URL('../README.md', import.meta.url), { it, runners: { worker: runWorkerBlock } });

// Every fenced block of the repository's README (its quick start per layer), checked by its info
// string (see @wskit/tooling/readme-blocks). It lives here because @wskit/winhttp depends on every
// layer the quick start installs, so turbo has built them all before this test runs; each block runs
// in the folder of the package it imports, which resolves only what a user of that package has.

import { testReadme } from '@wskit/tooling/readme-blocks';
import { it } from 'vitest';
import { runWorkerBlock } from '../../cloudflare/test/helpers.js';

testReadme(new URL('../../../README.md', import.meta.url), { it, runners: { worker: runWorkerBlock } });

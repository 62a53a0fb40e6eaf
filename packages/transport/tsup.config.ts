import { definePackageConfig } from '@wskit/tooling/tsup';
import { defineConfig } from 'tsup';

// Two entries: the package and its `./testing` subpath. The testing entry imports the package by
// its own name, kept external, so both entries share one copy of the classes (`instanceof` holds).
export default defineConfig(
  definePackageConfig({
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    external: [/^node:/, /^bun(:.*)?$/, /^cloudflare:/, /^@wskit\/transport$/],
  }),
);

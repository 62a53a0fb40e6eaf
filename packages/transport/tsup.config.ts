import { definePackageConfig } from '@wskit/tooling/tsup';
import { defineConfig } from 'tsup';

// The package, its `./testing` subpath, and the parts of the client's dial path that clients load
// on demand (`./redirect`, `./proxy-tunnel`, `./proxy-environment`). The other entries import the
// package by its own name, kept external, so all share one copy of the classes (`instanceof` holds).
export default defineConfig(
  definePackageConfig({
    entry: {
      index: 'src/index.ts',
      'testing/index': 'src/testing/index.ts',
      'redirect/index': 'src/redirect/index.ts',
      'proxy-tunnel/index': 'src/proxy-tunnel/index.ts',
      'proxy-environment/index': 'src/proxy-environment/index.ts',
    },
    external: [/^node:/, /^bun(:.*)?$/, /^cloudflare:/, /^@wskit\/transport$/],
  }),
);

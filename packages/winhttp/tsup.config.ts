import { definePackageConfig } from '@wskit/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig(
  definePackageConfig({
    // `no-node-dialer` is what `#node-dialer` (package.json `imports`) is outside Node; the import
    // stays as it is, resolved by the runtime or the user's bundler with its conditions.
    entry: ['src/index.ts', 'src/no-node-dialer.ts'],
    external: [/^node:/, /^bun(:.*)?$/, /^cloudflare:/, '#node-dialer'],
  }),
);

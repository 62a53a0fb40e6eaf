import { definePackageConfig } from '@wskit/tooling/tsup';
import { defineConfig } from 'tsup';

const preset = definePackageConfig();

export default defineConfig({
  ...preset,
  // `no-node-dialer` is what `#node-dialer` (package.json `imports`) is outside Node; the import
  // stays as it is, resolved by the runtime or the user's bundler with its conditions.
  entry: ['src/index.ts', 'src/no-node-dialer.ts'],
  external: [...(preset.external ?? []), '#node-dialer'],
});

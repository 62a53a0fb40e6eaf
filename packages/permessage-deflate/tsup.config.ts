import { definePackageConfig } from '@wskit/tooling/tsup';
import { defineConfig } from 'tsup';

// Two entries: the package and `./on-demand`, the client's negotiator loaded on demand.
export default defineConfig(
  definePackageConfig({ entry: { index: 'src/index.ts', 'on-demand/index': 'src/on-demand/index.ts' } }),
);

import { definePackageConfig } from '@wskit/tooling/tsup';
import { defineConfig } from 'tsup';

const preset = definePackageConfig();

export default defineConfig({
  ...preset,
  // `@wskit/protocol/websocket-dll` is built over the engine's public entry: it imports
  // `@wskit/protocol` (kept external, so both entries share one engine) rather than a copy.
  entry: { index: 'src/index.ts', 'websocket-dll/index': 'src/websocket-dll/index.ts' },
  external: [...(preset.external ?? []), '@wskit/protocol'],
});

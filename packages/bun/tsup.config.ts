import { definePackageConfig } from '@wskit/tooling/tsup';
import { defineConfig } from 'tsup';

// `bun` stays external (the preset's rule); the package reads `globalThis.Bun` only when called.
export default defineConfig(definePackageConfig());

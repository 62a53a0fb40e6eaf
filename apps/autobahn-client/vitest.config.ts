import { definePreset } from '@wskit/tooling/vitest';
import { defineConfig } from 'vitest/config';

const preset = definePreset({ testTimeout: 30_000 });

export default defineConfig({
  ...preset,
  test: { ...preset.test, globalSetup: ['test/global-setup.ts'] },
});

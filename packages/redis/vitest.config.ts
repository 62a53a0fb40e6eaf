import { definePreset } from '@wskit/tooling/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig(definePreset());

import { definePreset } from '@wskit/tooling/vitest';
import { defineConfig } from 'vitest/config';

// The test drives workerd (Miniflare) from Node: give a cold start of workerd room.
export default defineConfig(definePreset({ testTimeout: 30_000 }));

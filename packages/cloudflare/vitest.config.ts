import { definePreset } from '@wskit/tooling/vitest';
import { defineConfig } from 'vitest/config';

// The tests drive workerd (Miniflare) from Node: give a cold start of workerd room.
export default defineConfig(definePreset({ testTimeout: 60_000 }));

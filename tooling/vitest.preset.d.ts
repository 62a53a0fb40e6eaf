import type { ViteUserConfig } from 'vitest/config';
/** The shared vitest preset; see vitest.preset.js. */
export declare function definePreset(options?: {
  include?: string[];
  exclude?: string[];
  testTimeout?: number;
}): ViteUserConfig;

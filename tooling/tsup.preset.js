// @ts-check
/**
 * The shared tsup preset: every public package builds `src/index.ts` (plus any extra entries) to
 * ESM (`.js`) and CommonJS (`.cjs`) with declarations for both (`.d.ts`, `.d.cts`).
 *
 * Runtime-only modules (`node:*`, `bun`, `cloudflare:*`) stay external so that one build serves
 * every runtime and bundlers of users decide what to load.
 *
 * @param {Partial<import('tsup').Options>} [overrides]
 * @returns {import('tsup').Options}
 */
export function definePackageConfig(overrides = {}) {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    // No source maps: the published tarballs were 60 % maps, and excluding them through `files`
    // instead would leave `sourceMappingURL` comments pointing at missing files (bundlers warn).
    // Tests and debugging run against `src/` through the vitest aliases, not `dist/`.
    sourcemap: false,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
    splitting: false,
    minify: false,
    external: [/^node:/, /^bun(:.*)?$/, /^cloudflare:/],
    outExtension({ format }) {
      return { js: format === 'cjs' ? '.cjs' : '.js' };
    },
    ...overrides,
  };
}

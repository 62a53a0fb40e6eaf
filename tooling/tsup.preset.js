// @ts-check
/**
 * The shared tsup preset: every public package builds `src/index.ts` (plus any extra entries) to
 * ESM (`.js`) and CommonJS (`.cjs`) with declarations for both (`.d.ts`, `.d.cts`).
 *
 * The ESM build keeps one output file per source module (`bundle: false`): with `"sideEffects":
 * false` in every package.json, a user's bundler then drops whole modules the code does not reach
 * (the WHATWG classes, `WebSocketStream`, the server side of the handshake, …). A single bundled
 * file would keep every module whose top level runs code (a `defineProperty` on a prototype, a
 * runtime check of a global), however unused. The CommonJS build stays one bundled file per entry
 * (CommonJS bundlers do not tree-shake modules anyway, and `require('./x.js')` could not load the
 * ESM modules).
 *
 * Runtime-only modules (`node:*`, `bun`, `cloudflare:*`) stay external so that one build serves
 * every runtime and bundlers of users decide what to load.
 *
 * @param {Partial<import('tsup').Options>} [overrides]
 * @returns {import('tsup').Options[]}
 */
export function definePackageConfig(overrides = {}) {
  const { entry = ['src/index.ts'], ...rest } = overrides;
  /** @type {Partial<import('tsup').Options>} */
  const common = {
    // No source maps: the published tarballs were 60 % maps, and excluding them through `files`
    // instead would leave `sourceMappingURL` comments pointing at missing files (bundlers warn).
    // Tests and debugging run against `src/` through the vitest aliases, not `dist/`.
    sourcemap: false,
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    minify: false,
    external: [/^node:/, /^bun(:.*)?$/, /^cloudflare:/],
    outExtension({ format }) {
      return { js: format === 'cjs' ? '.cjs' : '.js' };
    },
  };
  return [
    {
      ...common,
      // Every module of src/, transpiled as it is: relative imports (written with `.js`) stay.
      entry: ['src/**/*.ts', '!src/**/*.d.ts'],
      format: ['esm'],
      bundle: false,
      dts: { entry },
      // Only this build cleans: it starts by it, before either build writes anything.
      clean: true,
      ...rest,
    },
    {
      ...common,
      entry,
      format: ['cjs'],
      dts: true,
      treeshake: true,
      clean: false,
      ...rest,
    },
  ];
}

import type { Options } from 'tsup';
/** The shared tsup preset; see tsup.preset.js. */
export declare function definePackageConfig(overrides?: Partial<Options>): Options[];

/**
 * How many runs a fuzz target (a fast-check property over a parser) makes: a short run in the normal
 * test suite (seconds), a long one from a package's `fuzz` script or with `FUZZ_RUNS=<n>` (and
 * `FUZZ_SEED=<n>` to replay a failure fast-check reported). Not a test file.
 */

/** The default number of runs of a fuzz target in the normal test suite. */
export const SHORT_FUZZ_RUNS = 300;
/** The default number of runs under a package's `fuzz` script. */
export const LONG_FUZZ_RUNS = 100_000;

/** fast-check's `numRuns` and, when given, `seed`, for `fc.assert(property, fuzzParameters())`. */
export function fuzzParameters(short = SHORT_FUZZ_RUNS): { numRuns: number; seed?: number } {
  const requested = Number(process.env.FUZZ_RUNS);
  const numRuns =
    Number.isInteger(requested) && requested > 0
      ? requested
      : process.env.npm_lifecycle_event === 'fuzz'
        ? LONG_FUZZ_RUNS
        : short;
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Number.NaN;
  return Number.isInteger(seed) ? { numRuns, seed } : { numRuns };
}

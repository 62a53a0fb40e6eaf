/**
 * The timing engine. Contenders of one case run in alternating rounds (A B, then B A, …) so that
 * drift in the machine's speed (other load, frequency scaling, a GC of garbage left by the other
 * contender) falls on both alike. Each sample gets an untimed `prepare` step for work that must
 * not be counted (fresh input copies), then one timed `run`.
 *
 * Samples are timed in CPU time of the process (user + system, all threads: garbage collection
 * helpers included), so that time spent descheduled on a busy machine counts for no one; the wall
 * time is kept too.
 *
 * Cases whose samples allocate megabytes can ask for a full garbage collection before each sample
 * (untimed; the process runs with `--expose-gc`): otherwise whichever contender happens to run when
 * the garbage of earlier samples is collected pays for it, or gets freshly mapped memory to fault
 * in, and with one or a few messages per sample that falls on one contender more than the other.
 */

/** One implementation of a case. */
export interface Contender {
  /** Stable key, used in the JSON results (`wskit`, `ws`, …). */
  readonly name: string;
  /** Untimed work before each sample, e.g. fresh copies of the input. */
  prepare?(): void;
  /** The timed work of one sample. Returns a value that depends on the output, so none of it is dead code. */
  run(): number;
}

/** How long to measure each case. */
export interface Budget {
  /** Minimum warm-up time per contender, in ms (until the optimizing compiler has settled). */
  warmupMs: number;
  /** Measuring time per case, in ms (all contenders together). */
  measureMs: number;
  /** At least this many samples per contender, whatever the time. */
  minSamples: number;
  /** At most this many samples per contender. */
  maxSamples: number;
}

/** Timing of one contender on one case. */
export interface Timing {
  name: string;
  samples: number;
  /** Median CPU time of one sample, in ns. */
  medianNs: number;
  /** Fastest sample (CPU time), in ns. */
  minNs: number;
  /** Mean CPU time of one sample, in ns (includes the occasional GC pause the median hides). */
  meanNs: number;
  /** Median wall-clock time of one sample, in ns. */
  wallMedianNs: number;
}

const now = (): number => performance.now();

/** CPU time of the process so far, in ms. */
function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

interface Sample {
  cpuMs: number;
  wallMs: number;
  check: number;
}

/** The engine's full collection, when the process runs with `--expose-gc`. */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

function sample(contender: Contender, collect: boolean): Sample {
  if (collect) collectGarbage?.();
  contender.prepare?.();
  const wallStart = now();
  const cpuStart = cpuNow();
  const check = contender.run();
  const cpuMs = cpuNow() - cpuStart;
  return { cpuMs, wallMs: now() - wallStart, check };
}

/** A value the engine keeps so that results of `run()` are observably used. */
export let sink = 0;

/**
 * Times every contender on one case, interleaved. With `collect`, a full garbage collection runs
 * before each sample, untimed.
 */
export function compare(contenders: readonly Contender[], budget: Budget, collect = false): Timing[] {
  for (const contender of contenders) {
    // Warm-up without collections: they would only slow it down.
    const end = now() + budget.warmupMs;
    let runs = 0;
    while (runs < 2 || (now() < end && runs < budget.maxSamples)) {
      sink ^= sample(contender, false).check;
      runs++;
    }
  }
  const times: Sample[][] = contenders.map(() => []);
  const started = now();
  // With collections, the budget counts the timed runs only (a collection takes longer than a
  // sample), up to four times the budget in all.
  const end = started + budget.measureMs;
  const hardEnd = started + 4 * budget.measureMs;
  let timed = 0;
  const moreTime = (): boolean => (collect ? timed < budget.measureMs && now() < hardEnd : now() < end);
  let round = 0;
  while (round < budget.maxSamples && (round < budget.minSamples || moreTime())) {
    for (let k = 0; k < contenders.length; k++) {
      const index = round % 2 === 0 ? k : contenders.length - 1 - k;
      const result = sample(contenders[index]!, collect);
      sink ^= result.check;
      timed += result.wallMs;
      times[index]!.push(result);
    }
    round++;
  }
  return contenders.map((contender, index) => summarize(contender.name, times[index]!));
}

function median(sorted: readonly number[]): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function summarize(name: string, samples: readonly Sample[]): Timing {
  const cpu = samples.map((item) => item.cpuMs).sort((a, b) => a - b);
  const wall = samples.map((item) => item.wallMs).sort((a, b) => a - b);
  const mean = cpu.reduce((sum, value) => sum + value, 0) / cpu.length;
  return {
    name,
    samples: cpu.length,
    medianNs: Math.round(median(cpu) * 1e6),
    minNs: Math.round(cpu[0]! * 1e6),
    meanNs: Math.round(mean * 1e6),
    wallMedianNs: Math.round(median(wall) * 1e6),
  };
}

/** Throughput in MB/s (10^6 bytes per second) of `bytes` processed in `ns`. */
export function megabytesPerSecond(bytes: number, ns: number): number {
  return ns === 0 ? 0 : (bytes * 1e3) / ns;
}

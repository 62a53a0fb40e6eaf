/**
 * One benchmark process: wskit against one variant of ws (with or without bufferutil, decided by
 * `WS_NO_BUFFER_UTIL` when ws loads). Started by `main.ts`; reports over the IPC channel.
 */
import { type CodecCase, runCodecCase } from './codec-suite.ts';
import { type FragmentedCase, runFragmentedCase } from './fragmented-suite.ts';
import { type KernelCase, runMaskCases, runUtf8Cases } from './kernel-suite.ts';
import { BUDGETS, describeSize, type Mode, type Suite } from './options.ts';
import { wsMaskKernel } from './ws-reference.ts';

export type VariantName = 'ws-bufferutil' | 'ws-plain';

/** What the parent asks a variant process to run. */
export interface VariantRequest {
  variant: VariantName;
  mode: Mode;
  sizes: number[];
  suites: Suite[];
}

/** What a variant process sends back. */
export type VariantMessage =
  | { type: 'progress'; text: string }
  | { type: 'result'; result: VariantResult }
  | { type: 'error'; message: string };

export interface VariantResult {
  variant: VariantName;
  /** The masking kernel ws loaded in this process. */
  wsMask: ReturnType<typeof wsMaskKernel>;
  codec: CodecCase[];
  mask: KernelCase[];
  utf8: KernelCase[];
  fragmented: FragmentedCase[];
}

/** Largest payload of the UTF-8 rows (validating huge texts adds nothing). */
const UTF8_MAX_SIZE = 64 * 1024;

/** Largest payload of the masking kernel rows (past 1 MiB it only measures memory bandwidth). */
const MASK_MAX_SIZE = 1024 * 1024;

function send(message: VariantMessage): void {
  process.send!(message);
}

/** Lets the event loop run between cases: progress messages go out, queued ticks drain. */
const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function run(request: VariantRequest): Promise<VariantResult> {
  const wsMask = wsMaskKernel();
  const expected = request.variant === 'ws-bufferutil' ? 'bufferutil' : 'javascript';
  if (wsMask !== expected) {
    throw new Error(
      `ws loaded its ${wsMask} masking kernel in the ${request.variant} process, expected ${expected}`,
    );
  }
  const budget = BUDGETS[request.mode];
  // Kernels are plain loops: the optimizing compiler settles on them quickly.
  const kernelBudget = { ...budget, warmupMs: budget.warmupMs / 2 };
  const result: VariantResult = {
    variant: request.variant,
    wsMask,
    codec: [],
    mask: [],
    utf8: [],
    fragmented: [],
  };
  const has = (suite: Suite): boolean => request.suites.includes(suite);
  for (const operation of ['decode', 'encode'] as const) {
    if (!has(operation)) continue;
    for (const size of request.sizes) {
      for (const masked of [true, false]) {
        // ws calls bufferutil for masking only: unmasked frames run the same ws code in both
        // processes, so outside --full they are measured once, in the plain one.
        if (!masked && request.variant === 'ws-bufferutil' && request.mode !== 'full') continue;
        send({
          type: 'progress',
          text: `${operation} ${describeSize(size)} ${masked ? 'masked' : 'unmasked'}`,
        });
        await breathe();
        result.codec.push(runCodecCase(operation, size, masked, budget));
      }
    }
  }
  if (has('fragmented')) {
    send({ type: 'progress', text: 'fragmented message' });
    await breathe();
    result.fragmented.push(runFragmentedCase(true, budget));
  }
  if (has('mask')) {
    send({ type: 'progress', text: 'masking kernel' });
    await breathe();
    result.mask = runMaskCases(
      request.sizes.filter((size) => size <= MASK_MAX_SIZE),
      kernelBudget,
    );
  }
  // UTF-8 validation does not depend on bufferutil: measured once, in the plain process.
  if (has('utf8') && request.variant === 'ws-plain') {
    send({ type: 'progress', text: 'UTF-8 kernel' });
    await breathe();
    result.utf8 = runUtf8Cases(
      request.sizes.filter((size) => size <= UTF8_MAX_SIZE),
      kernelBudget,
    );
  }
  return result;
}

process.once('message', async (request: VariantRequest) => {
  try {
    send({ type: 'result', result: await run(request) });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  process.disconnect();
});

/**
 * Micro-benchmarks of the two kernels under the codec: masking (wskit's `applyMask`/`maskInto`
 * against ws's mask helpers, native or JavaScript depending on the process) and UTF-8 validation
 * (wskit's `Utf8Validator`, portable and with a fast check, against ws and Node's `buffer.isUtf8`).
 */
import { isUtf8 } from 'node:buffer';
import { applyMask, isValidUtf8, maskInto, Utf8Validator } from '@wskit/codec';
import { payload } from './frames.ts';
import { type Budget, type Contender, compare, type Timing } from './measure.ts';
import { loadWsJavaScriptUtf8, wsBufferUtil, wsIsValidUtf8 } from './ws-reference.ts';

/** One measured kernel case. */
export interface KernelCase {
  kernel: 'unmask' | 'mask-into' | 'utf8';
  /** For UTF-8: the kind of text. */
  input?: 'ascii' | 'mixed';
  size: number;
  bytesPerSample: number;
  timings: Timing[];
}

/** Repetitions per sample: about 4 MiB of work (well above the 1 µs resolution of CPU time), at least one call. */
function repetitions(size: number): number {
  return Math.max(1, Math.round((4 * 1024 * 1024) / size));
}

const KEY = 0x9e3779b9;
const KEY_BYTES = Buffer.from([0x9e, 0x37, 0x79, 0xb9]);

/** Checks that wskit and ws mask alike before timing them. */
function checkMask(size: number): void {
  const data = payload(size, 3);
  const ours = Buffer.from(data);
  const theirs = Buffer.from(data);
  applyMask(ours, KEY);
  wsBufferUtil.unmask(theirs, KEY_BYTES);
  const into = Buffer.alloc(size + 6);
  const intoTheirs = Buffer.alloc(size + 6);
  maskInto(data, into, 6, KEY);
  wsBufferUtil.mask(data, KEY_BYTES, intoTheirs, 6, size);
  if (!ours.equals(theirs) || !into.equals(intoTheirs))
    throw new Error(`Masking results differ at ${size} bytes`);
}

/** In-place unmasking (what a decoder does) and masking into a new frame (what an encoder does). */
export function runMaskCases(sizes: readonly number[], budget: Budget): KernelCase[] {
  const cases: KernelCase[] = [];
  for (const size of sizes) {
    checkMask(size);
    const count = repetitions(size);
    const data = payload(size, 5);
    const unmask: Contender[] = [
      {
        name: 'wskit',
        run: () => {
          for (let i = 0; i < count; i++) applyMask(data, KEY);
          return data[size >> 1]!;
        },
      },
      {
        name: 'ws',
        run: () => {
          for (let i = 0; i < count; i++) wsBufferUtil.unmask(data, KEY_BYTES);
          return data[size >> 1]!;
        },
      },
    ];
    cases.push({ kernel: 'unmask', size, bytesPerSample: size * count, timings: compare(unmask, budget) });

    // Offset 6: the payload position in a masked frame with a 7-bit length.
    const target = Buffer.alloc(size + 6);
    const into: Contender[] = [
      {
        name: 'wskit',
        run: () => {
          for (let i = 0; i < count; i++) maskInto(data, target, 6, KEY);
          return target[size >> 1]!;
        },
      },
      {
        name: 'ws',
        run: () => {
          for (let i = 0; i < count; i++) wsBufferUtil.mask(data, KEY_BYTES, target, 6, size);
          return target[size >> 1]!;
        },
      },
    ];
    cases.push({ kernel: 'mask-into', size, bytesPerSample: size * count, timings: compare(into, budget) });
  }
  return cases;
}

/** Valid UTF-8 of `size` bytes: plain ASCII, or a mix of 1- to 4-byte sequences. */
export function utf8Text(kind: 'ascii' | 'mixed', size: number): Buffer {
  const unit =
    kind === 'ascii'
      ? 'The quick brown fox jumps over the lazy dog. '
      : 'Grüße, 世界! Ça va? Ελληνικά, русский, 😀 emoji and ASCII text. ';
  const text = Buffer.from(unit.repeat(Math.ceil(size / Buffer.byteLength(unit)) + 1));
  // Cut at a character boundary at or below `size`.
  let end = size;
  while (end > 0 && (text[end]! & 0xc0) === 0x80) end--;
  return Buffer.from(text.subarray(0, end));
}

/** UTF-8 validation of one complete text message. */
export function runUtf8Cases(sizes: readonly number[], budget: Budget): KernelCase[] {
  const wsJavaScript = loadWsJavaScriptUtf8();
  const fast = new Utf8Validator(isUtf8);
  const cases: KernelCase[] = [];
  for (const kind of ['ascii', 'mixed'] as const) {
    for (const size of sizes) {
      const text = utf8Text(kind, size);
      const count = repetitions(text.length);
      const checks: Array<[string, (bytes: Buffer) => boolean]> = [
        ['wskit-portable', (bytes) => isValidUtf8(bytes)],
        ['wskit-fast', (bytes) => fast.write(bytes) && fast.end()],
        ['ws', wsIsValidUtf8],
        ['ws-javascript', wsJavaScript],
        ['node-isUtf8', isUtf8],
      ];
      const contenders = checks.map(([name, check]): Contender => {
        if (!check(text)) throw new Error(`${name} refused valid UTF-8`);
        return {
          name,
          run: () => {
            let valid = 0;
            for (let i = 0; i < count; i++) valid += check(text) ? 1 : 0;
            return valid;
          },
        };
      });
      cases.push({
        kernel: 'utf8',
        input: kind,
        size: text.length,
        bytesPerSample: text.length * count,
        timings: compare(contenders, budget),
      });
    }
  }
  return cases;
}

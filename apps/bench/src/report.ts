/**
 * Turns the two variant processes' timings into the report: ratios (wskit / ws, above 1 means
 * wskit is faster), the targets of the issue, the printed table and the JSON document.
 */
import type { CopyReport } from './fragmented-suite.ts';
import type { KernelCase } from './kernel-suite.ts';
import { megabytesPerSecond, type Timing } from './measure.ts';
import { describeSize } from './options.ts';
import type { VariantName, VariantResult } from './variant.ts';

/** Absolute numbers of one contender, for the JSON (times are per sample, CPU time unless named wall). */
export interface Throughput {
  megabytesPerSecond: number;
  medianNs: number;
  minNs: number;
  meanNs: number;
  wallMedianNs: number;
  samples: number;
}

/** wskit against one variant of ws on one case. */
export interface Comparison {
  /** wskit throughput / ws throughput. */
  ratio: number;
  wskit: Throughput;
  ws: Throughput;
  /** Further wskit configurations measured in the same rounds, with their ratio to ws. */
  others?: Record<string, Throughput & { ratio: number }>;
}

export interface CodecRow {
  operation: 'decode' | 'encode';
  size: number;
  masked: boolean;
  messagesPerSample: number;
  /** Against ws without native addons. */
  plain?: Comparison;
  /** Against ws with bufferutil. */
  bufferutil?: Comparison;
}

export interface FragmentedRow {
  size: number;
  fragments: number;
  masked: boolean;
  plain?: Comparison;
  bufferutil?: Comparison;
  /** Payload copies per decoder (measured in the plain process). */
  copies: Record<string, CopyReport>;
}

export interface MaskRow {
  kernel: 'unmask' | 'mask-into';
  size: number;
  /** Against ws's JavaScript loop. */
  plain?: Comparison;
  /** Against ws's call into bufferutil. */
  bufferutil?: Comparison;
}

export interface Utf8Row {
  input: 'ascii' | 'mixed';
  size: number;
  throughput: Record<string, Throughput>;
}

export interface Target {
  name: string;
  met: boolean;
  detail: string;
}

export interface Report {
  codec: CodecRow[];
  fragmented: FragmentedRow[];
  mask: MaskRow[];
  utf8: Utf8Row[];
  targets: Target[];
}

function throughput(timing: Timing, bytes: number): Throughput {
  return {
    megabytesPerSecond: Math.round(megabytesPerSecond(bytes, timing.medianNs) * 10) / 10,
    medianNs: timing.medianNs,
    minNs: timing.minNs,
    meanNs: timing.meanNs,
    wallMedianNs: timing.wallMedianNs,
    samples: timing.samples,
  };
}

const ratioOf = (ws: Timing, ours: Timing): number => Math.round((ws.medianNs / ours.medianNs) * 1000) / 1000;

function comparison(timings: Timing[], bytes: number): Comparison {
  const wskit = timings.find((timing) => timing.name === 'wskit')!;
  const ws = timings.find((timing) => timing.name === 'ws')!;
  const result: Comparison = {
    ratio: ratioOf(ws, wskit),
    wskit: throughput(wskit, bytes),
    ws: throughput(ws, bytes),
  };
  for (const timing of timings) {
    if (timing === wskit || timing === ws) continue;
    result.others ??= {};
    result.others[timing.name] = { ...throughput(timing, bytes), ratio: ratioOf(ws, timing) };
  }
  return result;
}

const slot = (variant: VariantName): 'plain' | 'bufferutil' =>
  variant === 'ws-plain' ? 'plain' : 'bufferutil';

/** Merges the variants' results into rows and checks the targets. */
export function buildReport(results: readonly VariantResult[]): Report {
  const codec = new Map<string, CodecRow>();
  const fragmented = new Map<string, FragmentedRow>();
  const mask = new Map<string, MaskRow>();
  let utf8: Utf8Row[] = [];
  for (const result of results) {
    const into = slot(result.variant);
    for (const item of result.codec) {
      const key = `${item.operation}/${item.size}/${item.masked}`;
      const row = codec.get(key) ?? {
        operation: item.operation,
        size: item.size,
        masked: item.masked,
        messagesPerSample: item.messagesPerSample,
      };
      row[into] = comparison(item.timings, item.bytesPerSample);
      codec.set(key, row);
    }
    for (const item of result.fragmented) {
      const key = String(item.masked);
      const row = fragmented.get(key) ?? {
        size: item.size,
        fragments: item.fragments,
        masked: item.masked,
        copies: {},
      };
      row[into] = comparison(item.timings, item.bytesPerSample);
      if (into === 'plain' || Object.keys(row.copies).length === 0) row.copies = item.copies;
      fragmented.set(key, row);
    }
    for (const item of result.mask) {
      const key = `${item.kernel}/${item.size}`;
      const row = mask.get(key) ?? { kernel: item.kernel as MaskRow['kernel'], size: item.size };
      row[into] = comparison(item.timings, item.bytesPerSample);
      mask.set(key, row);
    }
    if (result.utf8.length > 0) utf8 = result.utf8.map(utf8Row);
  }
  const report: Report = {
    codec: [...codec.values()],
    fragmented: [...fragmented.values()],
    mask: [...mask.values()],
    utf8,
    targets: [],
  };
  report.targets = checkTargets(report);
  return report;
}

function utf8Row(item: KernelCase): Utf8Row {
  const row: Utf8Row = { input: item.input!, size: item.size, throughput: {} };
  for (const timing of item.timings) row.throughput[timing.name] = throughput(timing, item.bytesPerSample);
  return row;
}

const describeRow = (row: CodecRow): string =>
  `${row.operation} ${describeSize(row.size)} ${row.masked ? 'masked' : 'unmasked'}`;

function worst<T>(
  rows: readonly T[],
  ratio: (row: T) => number | undefined,
): { row: T; ratio: number } | undefined {
  let found: { row: T; ratio: number } | undefined;
  for (const row of rows) {
    const value = ratio(row);
    if (value !== undefined && (found === undefined || value < found.ratio)) found = { row, ratio: value };
  }
  return found;
}

function ratioTarget(
  name: string,
  rows: readonly CodecRow[],
  minimum: number,
  ratio: (row: CodecRow) => number | undefined,
): Target {
  const lowest = worst(rows, ratio);
  if (lowest === undefined) return { name, met: false, detail: 'not measured in this run' };
  const misses = rows.filter((row) => (ratio(row) ?? Infinity) < minimum);
  return {
    name,
    met: misses.length === 0,
    detail:
      misses.length === 0
        ? `lowest ${lowest.ratio.toFixed(2)}x (${describeRow(lowest.row)})`
        : `missed by ${misses.map((row) => `${describeRow(row)} ${ratio(row)!.toFixed(2)}x`).join(', ')}`,
  };
}

/** The targets of the issue. */
function checkTargets(report: Report): Target[] {
  const targets = [
    ratioTarget(
      'at least ws speed at every size (vs ws without addons)',
      report.codec,
      1,
      (row) => row.plain?.ratio,
    ),
    ratioTarget(
      '1.5x ws on frames of 125 B and under (vs ws without addons)',
      report.codec.filter((row) => row.size <= 125),
      1.5,
      (row) => row.plain?.ratio,
    ),
    ratioTarget(
      '0.8x ws+bufferutil on large (64 KiB and up) masked payloads',
      report.codec.filter((row) => row.masked && row.size >= 64 * 1024),
      0.8,
      (row) => row.bufferutil?.ratio,
    ),
  ];
  const fragmented = report.fragmented[0];
  const copies = fragmented?.copies.wskit;
  targets.push(
    copies === undefined
      ? {
          name: 'at most one payload copy decoding a fragmented message',
          met: false,
          detail: 'not measured in this run',
        }
      : {
          name: 'at most one payload copy decoding a fragmented message',
          met: copies.copies <= 1 && copies.freshOutput,
          detail: `wskit ${copies.copies.toFixed(4)} copies${copies.freshOutput ? ', one fresh output buffer' : ''}; ws ${fragmented!.copies.ws?.copies.toFixed(4)}`,
        },
  );
  return targets;
}

// --- The printed table -------------------------------------------------------------------------

const ratioText = (comparison: Comparison | undefined): string =>
  comparison === undefined ? '-' : `${comparison.ratio.toFixed(2)}x`;

/** The bufferutil column of a codec row: unmasked rows are measured there with --full only. */
const nativeText = (row: CodecRow): string =>
  row.bufferutil === undefined && !row.masked ? '(same)' : ratioText(row.bufferutil);

function table(header: string[], rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        rightAligned(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function otherText(comparison: Comparison | undefined, name: string): string {
  const other = comparison?.others?.[name];
  return other === undefined ? '' : `${other.ratio.toFixed(2)}x`;
}

function codecTarget(row: CodecRow): string {
  const notes: string[] = [];
  const plain = row.plain?.ratio;
  const native = row.bufferutil?.ratio;
  const needed = row.size <= 125 ? 1.5 : 1;
  if (plain !== undefined) notes.push(plain >= needed ? `ok (>= ${needed})` : `MISS (< ${needed})`);
  if (row.masked && row.size >= 64 * 1024 && native !== undefined) {
    notes.push(native >= 0.8 ? 'ok (native >= 0.8)' : 'MISS (native < 0.8)');
  }
  return notes.join(', ');
}

/** The report as text: ratios only (absolute numbers are in the JSON). */
export function renderReport(report: Report): string {
  const sections: string[] = [];
  if (report.codec.length > 0) {
    sections.push(
      'Codec throughput, wskit / ws (above 1: wskit is faster). wskit allocates with Buffer.allocUnsafe, as\n' +
        'the Node adapter is to. (same): bufferutil only masks, so unmasked frames run the same ws code with it\n' +
        '(measured with --full). one-buffer: wskit copying payloads up to 1 KiB behind the header (its\n' +
        'default) where ws returns header and payload apart. batched: encodeInto() writing the frames into\n' +
        '64 KiB write buffers, against ws making one frame at a time.\n\n' +
        table(
          [
            'operation',
            'payload',
            'masking',
            'vs ws',
            'vs ws+bufferutil',
            'one-buffer vs ws',
            'batched vs ws',
            'target',
          ],
          report.codec.map((row) => [
            row.operation,
            describeSize(row.size),
            row.masked ? 'masked' : 'unmasked',
            ratioText(row.plain),
            nativeText(row),
            otherText(row.plain, 'wskit-one-buffer'),
            otherText(row.plain, 'wskit-batched'),
            codecTarget(row),
          ]),
          (column) => column === 1 || (column >= 3 && column <= 6),
        ),
    );
  }
  for (const row of report.fragmented) {
    const copies = (name: string): string => {
      const found = row.copies[name];
      return found === undefined
        ? '-'
        : `${found.copies.toFixed(3)} copies${found.staged > 0 ? ` (+${found.staged.toFixed(2)} staged)` : ''}`;
    };
    sections.push(
      `Fragmented message: ${describeSize(row.size)} in ${row.fragments} ${row.masked ? 'masked ' : ''}frames, 64 KiB reads\n\n` +
        table(
          ['', 'vs ws', 'vs ws+bufferutil', 'wskit payload copies', 'ws payload copies'],
          [['decode', ratioText(row.plain), ratioText(row.bufferutil), copies('wskit'), copies('ws')]],
          (column) => column === 1 || column === 2,
        ),
    );
  }
  if (report.mask.length > 0) {
    sections.push(
      'Masking kernel, wskit / ws (unmask: in place; mask-into: into a frame buffer)\n\n' +
        table(
          ['kernel', 'payload', 'vs ws JS loop', 'vs ws bufferutil'],
          report.mask.map((row) => [
            row.kernel,
            describeSize(row.size),
            ratioText(row.plain),
            ratioText(row.bufferutil),
          ]),
          (column) => column > 0,
        ),
    );
  }
  if (report.utf8.length > 0) {
    const ratio = (row: Utf8Row, ours: string, theirs: string): string => {
      const a = row.throughput[ours];
      const b = row.throughput[theirs];
      return a === undefined || b === undefined
        ? '-'
        : `${(a.megabytesPerSecond / b.megabytesPerSecond).toFixed(2)}x`;
    };
    sections.push(
      'UTF-8 validation of a whole text message (portable: state machine only; fast: with buffer.isUtf8)\n\n' +
        table(
          ['text', 'payload', 'portable / ws JS', 'portable / ws', 'fast / ws', 'fast / isUtf8'],
          report.utf8.map((row) => [
            row.input,
            describeSize(row.size),
            ratio(row, 'wskit-portable', 'ws-javascript'),
            ratio(row, 'wskit-portable', 'ws'),
            ratio(row, 'wskit-fast', 'ws'),
            ratio(row, 'wskit-fast', 'node-isUtf8'),
          ]),
          (column) => column > 0,
        ),
    );
  }
  if (report.targets.length > 0) {
    sections.push(
      'Targets\n\n' +
        report.targets
          .map((target) => `  ${target.met ? 'met   ' : 'MISSED'}  ${target.name}: ${target.detail}`)
          .join('\n'),
    );
  }
  return sections.join('\n\n');
}

/**
 * The report of the end-to-end benchmark: ratios of each comparison per scenario, the Markdown
 * tables of docs/benchmarks.md and a hand-drawn SVG bar chart of the throughput ratios.
 */
import { describeSize } from '../options.ts';
import type { LoadResult } from './load.ts';
import { COMPARISONS, type Comparison, pairKey, type Scenario } from './plan.ts';
import type { MemoryResult } from './protocol.ts';

/** One comparison in one scenario. */
export interface ComparisonResult {
  group: Comparison['group'];
  label: string;
  scenario: string;
  connections: number;
  payloadBytes: number;
  /** wskit msg/s ÷ reference msg/s (the MB/s ratio is the same): >1, wskit faster. */
  throughputRatio: number;
  /** reference p50 ÷ wskit p50: >1, wskit's round trips are shorter. */
  p50Ratio: number;
  /** reference p99 ÷ wskit p99: >1, wskit's round trips are shorter. */
  p99Ratio: number;
  wskit: LoadResult;
  reference: LoadResult;
}

type MeasuredScenario = Scenario & { key: string; runs: Record<string, LoadResult> };

/** Every comparison whose two pairs were measured in a scenario. */
export function buildComparisons(scenarios: readonly MeasuredScenario[]): ComparisonResult[] {
  const results: ComparisonResult[] = [];
  for (const comparison of COMPARISONS) {
    for (const scenario of scenarios) {
      const wskit = scenario.runs[pairKey(comparison.wskit)];
      const reference = scenario.runs[pairKey(comparison.reference)];
      if (wskit === undefined || reference === undefined) continue;
      results.push({
        group: comparison.group,
        label: comparison.label,
        scenario: scenario.key,
        connections: scenario.connections,
        payloadBytes: scenario.payloadBytes,
        throughputRatio: wskit.messagesPerSecond / reference.messagesPerSecond,
        p50Ratio: reference.p50Ms / wskit.p50Ms,
        p99Ratio: reference.p99Ms / wskit.p99Ms,
        wskit,
        reference,
      });
    }
  }
  return results;
}

const ratio = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? '' : `${value.toFixed(2)}x`;
const bytes = (value: number): string => `${(value / 1024).toFixed(1)} KiB`;

/** A table of one measure: a row per (connections, payload), a column per comparison label. */
function ratioTable(
  results: readonly ComparisonResult[],
  field: 'throughputRatio' | 'p50Ratio' | 'p99Ratio',
): string {
  const labels = [...new Set(results.map((result) => result.label))];
  const rows = [...new Set(results.map((result) => `${result.connections}|${result.payloadBytes}`))];
  const lines = [
    `| connections | payload | ${labels.join(' | ')} |`,
    `| ---: | ---: | ${labels.map(() => '---:').join(' | ')} |`,
  ];
  for (const row of rows) {
    const [connections, payload] = row.split('|').map(Number) as [number, number];
    const cells = labels.map((label) =>
      ratio(
        results.find(
          (result) =>
            result.label === label && result.connections === connections && result.payloadBytes === payload,
        )?.[field],
      ),
    );
    lines.push(`| ${connections} | ${describeSize(payload)} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

interface DocumentHead {
  generatedAt: string;
  mode: string;
  durationSeconds: number;
  environment: { node: string; cpu: string | undefined; cores: number };
  versions: { ws: string; bufferutil: string | null; undici: string | null };
  method: { windowMs: { warmup: number; measure: number }; memoryConnections: number };
}

/** docs/benchmarks.md. */
export function renderMarkdown(
  head: DocumentHead,
  results: readonly ComparisonResult[],
  memory: Partial<Record<'wskit' | 'ws', MemoryResult>>,
): string {
  const plain = results.filter((result) => result.group !== 'deflate');
  const deflate = results.filter((result) => result.group === 'deflate');
  const out: string[] = [
    '# Benchmarks: end to end',
    '',
    'Echo round trips over loopback (127.0.0.1), wskit against the reference implementations, measured',
    'in one run by `npx pnpm@10.34.9 --filter @wskit/bench e2e` (source: `apps/bench/src/e2e/`, raw',
    'numbers: `apps/bench/results/e2e.json`). The codec alone is benchmarked by `npx pnpm@10.34.9 bench`',
    '(see `apps/bench/README.md`).',
    '',
    `Run of ${head.generatedAt} (${head.mode}, ${head.durationSeconds} s): ${head.environment.cpu ?? 'unknown CPU'}, ${head.environment.cores} cores,`,
    `Node ${head.environment.node}, ws ${head.versions.ws}, bufferutil ${head.versions.bufferutil ?? 'missing'}, undici ${head.versions.undici ?? '?'}.`,
    `Each run: ${head.method.windowMs.warmup} ms of warm-up, then ${head.method.windowMs.measure} ms measured.`,
    '',
    '**Reading the ratios.** Every cell is wskit against the reference in the same scenario, measured',
    'minutes apart at most in the same run: **above 1 is better for wskit** everywhere. Throughput:',
    "wskit messages per second ÷ the reference's (MB/s gives the same ratio: same payloads). Latency:",
    "the reference's round-trip time ÷ wskit's (above 1: wskit's round trips are shorter). Memory: the",
    "reference's bytes per connection ÷ wskit's (above 1: wskit uses less). The machine is a shared",
    '2-core VM: single runs move by ±10–20% (more for 1 MiB payloads and p99, which rest on few',
    'samples); read several runs before trusting one cell.',
    '',
    '## Throughput (wskit ÷ reference, >1: wskit faster)',
    '',
    ratioTable(plain, 'throughputRatio'),
    '',
    '## Median round trip (reference p50 ÷ wskit p50, >1: wskit faster)',
    '',
    ratioTable(plain, 'p50Ratio'),
    '',
    '## 99th percentile round trip (reference p99 ÷ wskit p99, >1: wskit faster)',
    '',
    ratioTable(plain, 'p99Ratio'),
    '',
  ];
  if (deflate.length > 0) {
    out.push(
      '## Compressed: permessage-deflate, JSON-like text (wskit client and server ÷ ws client and server)',
      '',
      '| connections | payload | throughput | p50 | p99 | wskit msg/s | ws msg/s |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...deflate.map(
        (result) =>
          `| ${result.connections} | ${describeSize(result.payloadBytes)} | ${ratio(result.throughputRatio)} | ${ratio(result.p50Ratio)} | ${ratio(result.p99Ratio)} | ${Math.round(result.wskit.messagesPerSecond)} | ${Math.round(result.reference.messagesPerSecond)} |`,
      ),
      '',
    );
  }
  if (memory.wskit !== undefined && memory.ws !== undefined) {
    const row = (name: string, value: MemoryResult): string =>
      `| ${name} | ${bytes(value.rssBytesPerConnection)} | ${bytes(value.heapBytesPerConnection)} | ${bytes(value.externalBytesPerConnection)} |`;
    out.push(
      `## Idle memory per connection (${memory.wskit.connections} connections)`,
      '',
      '| server | RSS | V8 heap used | external |',
      '| --- | ---: | ---: | ---: |',
      row('wskit', memory.wskit),
      row('ws', memory.ws),
      `| ws ÷ wskit (>1: wskit smaller) | ${ratio(memory.ws.rssBytesPerConnection / memory.wskit.rssBytesPerConnection)} | ${ratio(memory.ws.heapBytesPerConnection / memory.wskit.heapBytesPerConnection)} | |`,
      '',
    );
  }
  out.push(
    '## What is measured how',
    '',
    '- **Load**: every connection keeps a fixed number of messages in flight (16 for payloads up to',
    '  1 KiB, 4 up to 64 KiB, 1 above), the same for every contender: each echo sends the next message.',
    '  Connections are opened first; the first messages are sent, the warm-up runs, then the round trips',
    '  completed in the timed window are counted (`performance.now()`) and their latencies (send to',
    '  echo, queueing behind the pipeline included) sampled; then no new message is sent until all have',
    '  come back and the connections are closed. Binary payloads of pseudo-random bytes, the same bytes',
    '  everywhere.',
    '- **Processes**: each server runs in its own process for the whole run, each measurement in a fresh',
    '  client process, so client and server have a core each; the contenders of a scenario run back to',
    '  back, in reversed order every other scenario.',
    "- **client vs …**: wskit's `connect` (`@wskit/node`) against ws's client without bufferutil",
    "  (`WS_NO_BUFFER_UTIL=1`), ws's client with bufferutil, and undici's `WebSocket` (Node's global),",
    "  all against the same neutral server: ws's `WebSocketServer` with bufferutil, the most deployed",
    '  Node server and not ours, so a change in wskit cannot move the server side of its own ratio.',
    "- **server vs ws server**: wskit's `WebSocketServer` against ws's, both driven by ws's client with",
    '  bufferutil.',
    "- **Bun vs Bun native**: `@wskit/bun` (`connect` against `serve`) against Bun's global `WebSocket`",
    '  against `Bun.serve`, client and server each in a `bun` process.',
    '- **share of raw TCP**: wskit client against wskit server, ÷ a `net` echo of the same byte counts',
    '  without WebSocket framing (an echo is complete when as many bytes as the payload have come back):',
    '  the ceiling; 1.00x would be no overhead at all.',
    "- **Compressed**: permessage-deflate on both sides (each library's defaults: threshold 1 KiB, 15-bit",
    '  windows, context takeover), JSON-like text of 1 KiB and 64 KiB; the run fails if the extension',
    '  was not agreed.',
    '- **Idle memory**: a server in a process of its own (`--expose-gc`) measures `process.memoryUsage()`',
    "  after full collections before and after the connections (opened by ws's client from another",
    '  process) and divides the difference by their number.',
    '',
  );
  return `${out.join('\n')}\n`;
}

/** docs/benchmarks.svg: a horizontal bar per throughput ratio (and memory), log scale around 1. */
export function renderSvg(
  results: readonly ComparisonResult[],
  memory: Partial<Record<'wskit' | 'ws', MemoryResult>>,
): string {
  const bars: Array<{ label: string; value: number; group: string }> = results.map((result) => ({
    label: `${result.label}: ${result.connections} conn, ${describeSize(result.payloadBytes)}`,
    value: result.throughputRatio,
    group: result.group,
  }));
  if (memory.wskit !== undefined && memory.ws !== undefined)
    bars.push({
      label: `idle memory (RSS), ws ÷ wskit, ${memory.wskit.connections} conn`,
      value: memory.ws.rssBytesPerConnection / memory.wskit.rssBytesPerConnection,
      group: 'memory',
    });
  const colors: Record<string, string> = {
    client: '#4e79a7',
    server: '#f28e2b',
    bun: '#59a14f',
    tcp: '#9c755f',
    deflate: '#b07aa1',
    memory: '#76b7b2',
  };
  const labelWidth = 330;
  const chartWidth = 420;
  const rowHeight = 16;
  const top = 44;
  const width = labelWidth + chartWidth + 70;
  const height = top + bars.length * rowHeight + 30;
  const limit = 3; // log2 of the largest ratio drawn (8x); longer bars are clipped
  const center = labelWidth + chartWidth / 2;
  const scale = chartWidth / 2 / limit;
  const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="18" font-size="13" font-weight="bold">wskit ÷ reference (throughput; memory: ws ÷ wskit). Right of 1x: wskit better. Log scale.</text>`,
  ];
  for (const tick of [-3, -2, -1, 0, 1, 2, 3]) {
    const x = center + tick * scale;
    parts.push(
      `<line x1="${x}" y1="${top - 8}" x2="${x}" y2="${top + bars.length * rowHeight}" stroke="${tick === 0 ? '#333' : '#ddd'}"/>`,
      `<text x="${x}" y="${top - 12}" text-anchor="middle" fill="#555">${2 ** tick >= 1 ? 2 ** tick : `1/${2 ** -tick}`}x</text>`,
    );
  }
  bars.forEach((bar, index) => {
    const y = top + index * rowHeight;
    const logValue = Math.max(-limit, Math.min(limit, Math.log2(bar.value)));
    const x = logValue >= 0 ? center : center + logValue * scale;
    parts.push(
      `<text x="${labelWidth - 6}" y="${y + 11}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect x="${x.toFixed(1)}" y="${y + 2}" width="${Math.max(1, Math.abs(logValue) * scale).toFixed(1)}" height="${rowHeight - 4}" fill="${colors[bar.group] ?? '#999'}"/>`,
      `<text x="${labelWidth + chartWidth + 6}" y="${y + 11}">${bar.value.toFixed(2)}x</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

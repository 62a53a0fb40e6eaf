/**
 * The report of the load benchmark: medians and ranges of the samples, the ratios issue 13's goals
 * are stated in, the goals table, the Markdown of docs/benchmarks.md's load section and the chart
 * (docs/benchmarks.svg), both from the same run.
 */
import { describeScenario, type LoadOptions, type Mode, SCENARIOS } from './plan.ts';
import type { LoadDocument, Sample } from './results.ts';
import { SERVER_LABELS, SERVERS, type ServerName } from './servers.ts';

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median, range and CPU shares of one contender in one cell. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  count: number;
  serverCpu: number;
  loadCpu: number;
  /** The load generator's highest CPU share over the repetitions (NaN when none was recorded). */
  loadCpuMax: number;
  /** Median messages per CPU-second of the server (rate ÷ server CPU share): robust to a shared machine. */
  perServerCpuSecond: number;
}

/** The largest finite value, or NaN when there is none. */
function highestOf(values: readonly (number | undefined)[]): number {
  const finite = values.filter((value): value is number => value !== undefined && Number.isFinite(value));
  return finite.length === 0 ? Number.NaN : Math.max(...finite);
}

/** Summarises the samples of `section` matching the cell. */
export function summarise(
  samples: readonly Sample[],
  section: Sample['section'],
  subject: string,
  scenario?: string,
  mode?: Mode,
): Summary | undefined {
  const matching = samples.filter(
    (item) =>
      item.section === section &&
      item.subject === subject &&
      (scenario === undefined || item.scenario === scenario) &&
      (mode === undefined || item.mode === mode),
  );
  if (matching.length === 0) return undefined;
  const rates = matching.map((item) => item.rate);
  const shares = (pick: (item: Sample) => number | undefined): number =>
    median(matching.map(pick).filter((value): value is number => value !== undefined));
  return {
    median: median(rates),
    min: Math.min(...rates),
    max: Math.max(...rates),
    count: matching.length,
    serverCpu: shares((item) => item.serverCpuShare),
    loadCpu: shares((item) => item.loadCpuShare),
    loadCpuMax: highestOf(matching.map((item) => item.loadCpuShare)),
    perServerCpuSecond: shares((item) =>
      item.serverCpuShare !== undefined && item.serverCpuShare > 0
        ? item.rate / item.serverCpuShare
        : undefined,
    ),
  };
}

/** a's median ÷ b's, or NaN when either is missing. */
function ratioOf(a: Summary | undefined, b: Summary | undefined): number {
  return a === undefined || b === undefined ? Number.NaN : a.median / b.median;
}

const ratio = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : '–');
const count = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
const share = (value: number): string => (Number.isFinite(value) ? `${Math.round(value * 100)} %` : '–');

/**
 * Above this CPU share in any repetition the load generator may have held the server back: the
 * cell is flagged (a benchmark is only honest while the thing measured is the bottleneck).
 */
export const LOAD_CPU_FLAG = 0.8;

/** The load generator's CPU of a cell: median, the highest repetition when it differs, and a flag above {@link LOAD_CPU_FLAG}. */
const loadShare = (summary: Summary): string => {
  const highest = summary.loadCpuMax;
  const text =
    Number.isFinite(highest) && Math.round(highest * 100) !== Math.round(summary.loadCpu * 100)
      ? `${share(summary.loadCpu)} (≤ ${share(highest)})`
      : share(summary.loadCpu);
  return Number.isFinite(highest) && highest > LOAD_CPU_FLAG ? `**${text}** ⚠` : text;
};
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** The ratios of one scenario and mode in the throughput section. */
export interface ThroughputRatios {
  scenario: string;
  mode: Mode;
  /** server ÷ raw net echo, per server. */
  ofNet: Partial<Record<ServerName, number>>;
  /** The same by messages per CPU-second of the server. */
  ofNetPerCpu: Partial<Record<ServerName, number>>;
  wskitOverWs: number;
  eventOverWs: number;
  forAwaitOverEvent: number;
  bunOverNative: number;
}

/** The throughput ratios of every scenario and mode measured. */
export function throughputRatios(document: LoadDocument): ThroughputRatios[] {
  const rows: ThroughputRatios[] = [];
  for (const scenario of SCENARIOS) {
    for (const mode of ['binary', 'text'] as const) {
      const get = (name: ServerName) => summarise(document.samples, 'throughput', name, scenario.name, mode);
      if (get('net') === undefined && get('wskit') === undefined) continue;
      const ofNet: Partial<Record<ServerName, number>> = {};
      const ofNetPerCpu: Partial<Record<ServerName, number>> = {};
      for (const name of SERVERS) {
        ofNet[name] = ratioOf(get(name), get('net'));
        const own = get(name)?.perServerCpuSecond;
        const net = get('net')?.perServerCpuSecond;
        ofNetPerCpu[name] = own === undefined || net === undefined ? Number.NaN : own / net;
      }
      rows.push({
        scenario: scenario.name,
        mode,
        ofNet,
        ofNetPerCpu,
        wskitOverWs: ratioOf(get('wskit'), get('ws')),
        eventOverWs: ratioOf(get('wskit-event'), get('ws')),
        forAwaitOverEvent: ratioOf(get('wskit'), get('wskit-event')),
        bunOverNative: ratioOf(get('bun-wskit'), get('bun-native')),
      });
    }
  }
  return rows;
}

interface Goal {
  what: string;
  goal: string;
  measured: string;
  met: boolean | undefined;
}

const finite = (values: number[]): number[] => values.filter((value) => Number.isFinite(value));
const lowest = (values: number[]): number =>
  finite(values).length > 0 ? Math.min(...finite(values)) : Number.NaN;

/** Issue 13's goals, each with the measured figure. */
export function goals(document: LoadDocument): Goal[] {
  const rows = throughputRatios(document);
  const binary = (scenario: string): ThroughputRatios | undefined =>
    rows.find((row) => row.scenario === scenario && row.mode === 'binary');
  const text = (scenario: string): ThroughputRatios | undefined =>
    rows.find((row) => row.scenario === scenario && row.mode === 'text');
  const result: Goal[] = [];
  const check = (what: string, goal: string, value: number, threshold: number, detail = ''): void => {
    result.push({
      what,
      goal,
      measured: Number.isFinite(value) ? `${ratio(value)}${detail}` : 'not measured',
      met: Number.isFinite(value) ? value >= threshold : undefined,
    });
  };
  const thresholds: Record<string, number> = { b: 0.95, c: 0.6, d: 0.8, e: 0.9 };
  for (const scenario of SCENARIOS) {
    const value = binary(scenario.name)?.ofNet.wskit ?? Number.NaN;
    const textValue = text(scenario.name)?.ofNet.wskit;
    check(
      `server echo ÷ raw \`net\` echo, ${describeScenario(scenario)} (binary)`,
      `≥ ${thresholds[scenario.name]!.toFixed(2)}`,
      value,
      thresholds[scenario.name]!,
      textValue !== undefined && Number.isFinite(textValue) ? ` (text ${ratio(textValue)})` : '',
    );
  }
  const overWs = ['b', 'c', 'd'].map((name) => binary(name)?.wskitOverWs ?? Number.NaN);
  check(
    'server echo ÷ `ws`+bufferutil in b, c, d (binary; lowest)',
    '≥ 1.3',
    lowest(overWs),
    1.3,
    ` (b ${ratio(overWs[0]!)}, c ${ratio(overWs[1]!)}, d ${ratio(overWs[2]!)})`,
  );
  const clientRatios = SCENARIOS.map((scenario) =>
    ratioOf(
      summarise(document.samples, 'client', 'wskit', scenario.name),
      summarise(document.samples, 'client', 'ws-bufferutil', scenario.name),
    ),
  );
  check(
    'client ÷ `ws` client (bufferutil), same neutral server, every cell (lowest)',
    '≥ 1.3',
    lowest(clientRatios),
    1.3,
    describeCells(clientRatios),
  );
  const bunServer = rows.map((row) => row.bunOverNative);
  check('`@wskit/bun` server ÷ `Bun.serve`, every cell (lowest)', '≥ 0.8', lowest(bunServer), 0.8);
  const bunClient = SCENARIOS.map((scenario) =>
    ratioOf(
      summarise(document.samples, 'client', 'bun-wskit', scenario.name),
      summarise(document.samples, 'client', 'bun-native', scenario.name),
    ),
  );
  check(
    "`@wskit/bun` client ÷ Bun's global `WebSocket`, every cell (lowest)",
    '≥ 0.8',
    lowest(bunClient),
    0.8,
    describeCells(bunClient),
  );
  const deflate = SCENARIOS.map((scenario) =>
    ratioOf(
      summarise(document.samples, 'deflate', 'wskit', scenario.name),
      summarise(document.samples, 'deflate', 'ws', scenario.name),
    ),
  );
  check(
    'permessage-deflate (client and server) ÷ ws, every cell (lowest)',
    '≥ 1.0',
    lowest(deflate),
    1,
    describeCells(deflate),
  );
  const memory = document.memory?.servers;
  if (memory?.wskit !== undefined && memory.ws !== undefined) {
    const heap = memory.wskit.heapBytesPerConnection <= memory.ws.heapBytesPerConnection;
    const rss = memory.wskit.rssBytesPerConnection <= memory.ws.rssBytesPerConnection;
    result.push({
      what: `idle memory per connection at ${document.memory!.connections.toLocaleString('en-US')} connections (heap and RSS)`,
      goal: '≤ ws',
      measured: `heap ${kib(memory.wskit.heapBytesPerConnection)} vs ${kib(memory.ws.heapBytesPerConnection)}, RSS ${kib(memory.wskit.rssBytesPerConnection)} vs ${kib(memory.ws.rssBytesPerConnection)}`,
      met: heap && rss,
    });
  } else
    result.push({
      what: 'idle memory per connection',
      goal: '≤ ws',
      measured: 'not measured',
      met: undefined,
    });
  check(
    'handshakes per second (new connection, one message, close) ÷ ws',
    '≥ 1.0',
    ratioOf(
      summarise(document.samples, 'handshakes', 'wskit'),
      summarise(document.samples, 'handshakes', 'ws'),
    ),
    1,
  );
  const styles = rows.map((row) => row.forAwaitOverEvent);
  check('async iteration (`for await`) ÷ event style, every scenario (lowest)', '≥ 0.8', lowest(styles), 0.8);
  return result;
}

function describeCells(values: number[]): string {
  const cells = SCENARIOS.map((scenario, index) => [scenario.name, values[index]!] as const).filter(
    ([, value]) => Number.isFinite(value),
  );
  return cells.length > 1 ? ` (${cells.map(([name, value]) => `${name} ${ratio(value)}`).join(', ')})` : '';
}

const SHORT: Record<string, string> = {
  wskit: 'wskit',
  'wskit-event': 'wskit event',
  ws: 'ws+bufferutil',
  net: 'raw net',
  'bun-wskit': '@wskit/bun',
  'bun-native': 'Bun.serve',
};

/** The Markdown of the load section. */
export function renderLoadMarkdown(document: LoadDocument, options: LoadOptions): string {
  const lines: string[] = [];
  const { versions, settings } = document;
  lines.push('## Under load: what the server costs, seen by a load generator in C', '');
  lines.push(
    `Run of ${document.generatedAt} (${document.mode}, ${document.durationSeconds} s${document.commit ? `; code under test: commit ${document.commit}` : ''}): \`${document.command}\`.`,
    `Machine: ${document.machine.cpu}, ${document.machine.cores} cores (\`nproc\`). Node ${versions.node}, Bun ${versions.bun ?? '(none)'}, ws ${versions.ws}, bufferutil ${versions.bufferutil ?? '(none)'}, undici ${versions.undici ?? '–'}; load generator built with ${versions.compiler ?? '?'}.`,
    document.pinned
      ? `Each server ran pinned to core ${document.cores.server} (\`taskset -c ${document.cores.server}\`), the load generator on core ${document.cores.load}.`
      : 'No `taskset` on this machine: servers and the load generator ran **unpinned**.',
    `${settings.repetitions} interleaved repetition${settings.repetitions === 1 ? '' : 's'} of ${settings.warmupSeconds} s warm-up and ${settings.durationSeconds} s measured per cell: medians, with the range [lowest–highest] of the repetitions. Raw numbers: \`apps/bench/results/load.json\`.`,
    '',
  );
  for (const note of document.notes) lines.push(`> ${note}`, '');
  const serverShares = document.samples
    .filter((item) => item.section === 'throughput' && item.serverCpuShare !== undefined)
    .map((item) => item.serverCpuShare!);
  if (serverShares.length > 0 && median(serverShares) < 0.8)
    lines.push(
      `> **A busy machine**: the servers got ${share(median(serverShares))} of their core on median (${share(Math.min(...serverShares))}–${share(Math.max(...serverShares))}), so something else was running: messages/s and their ratios are noisy, and the ratios by messages per CPU-second of the server (below the ratio table) are the better guide. Repeat on a quiet machine before quoting.`,
      '',
    );
  if (document.mode === 'quick') lines.push('> A `--quick` run: too short to quote.', '');

  lines.push('### Goals of issue 13', '', '| what | goal | measured | met |', '| --- | --- | --- | --- |');
  for (const goal of goals(document))
    lines.push(
      `| ${goal.what} | ${goal.goal} | ${goal.measured} | ${goal.met === undefined ? '–' : goal.met ? 'met' : '**not met**'} |`,
    );
  lines.push('');

  const ratios = throughputRatios(document);
  if (ratios.length > 0) {
    const bun = options.servers.some((name) => name.startsWith('bun-'));
    lines.push(
      '### Echo throughput ratios (medians; >1: the first is faster)',
      '',
      `Servers: ${SERVERS.filter((name) => options.servers.includes(name))
        .map((name) => `**${SHORT[name]}**: ${SERVER_LABELS[name]}`)
        .join('; ')}.`,
      '',
      `| scenario | frames | wskit ÷ net | wskit event ÷ net | ws ÷ net | wskit ÷ ws | wskit event ÷ ws | for await ÷ event |${bun ? ' @wskit/bun ÷ Bun.serve | Bun.serve ÷ net |' : ''}`,
      `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |${bun ? ' ---: | ---: |' : ''}`,
    );
    for (const row of ratios) {
      const scenario = SCENARIOS.find((item) => item.name === row.scenario)!;
      lines.push(
        `| ${describeScenario(scenario)} | ${row.mode} | ${ratio(row.ofNet.wskit!)} | ${ratio(row.ofNet['wskit-event']!)} | ${ratio(row.ofNet.ws!)} | ${ratio(row.wskitOverWs)} | ${ratio(row.eventOverWs)} | ${ratio(row.forAwaitOverEvent)} |${bun ? ` ${ratio(row.bunOverNative)} | ${ratio(row.ofNet['bun-native']!)} |` : ''}`,
      );
    }
    lines.push(
      '',
      'The same ratios by cost: messages per CPU-second of the server (messages/s ÷ its CPU share), which',
      'holds better than messages/s when other work shares the machine and the server does not get its whole core:',
      '',
      `| scenario | frames | ${SERVERS.filter((name) => name !== 'net' && options.servers.includes(name))
        .map((name) => `${SHORT[name]} ÷ net`)
        .join(' | ')} |`,
      `| --- | --- |${SERVERS.filter((name) => name !== 'net' && options.servers.includes(name))
        .map(() => ' ---: |')
        .join('')}`,
    );
    for (const row of ratios) {
      const scenario = SCENARIOS.find((item) => item.name === row.scenario)!;
      lines.push(
        `| ${describeScenario(scenario)} | ${row.mode} | ${SERVERS.filter(
          (name) => name !== 'net' && options.servers.includes(name),
        )
          .map((name) => ratio(row.ofNetPerCpu[name]!))
          .join(' | ')} |`,
      );
    }
    lines.push(
      '',
      '### Echo throughput (messages/s, median [range]; CPU as a share of one core)',
      '',
      '| scenario | frames | server | msg/s | range | msg per server CPU-second | server CPU | load generator CPU |',
      '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const row of ratios) {
      for (const name of SERVERS) {
        const summary = summarise(document.samples, 'throughput', name, row.scenario, row.mode);
        if (summary === undefined) continue;
        lines.push(
          `| ${row.scenario} | ${row.mode} | ${SHORT[name]} | ${count(summary.median)} | ${count(summary.min)}–${count(summary.max)} | ${count(summary.perServerCpuSecond)} | ${share(summary.serverCpu)} | ${loadShare(summary)} |`,
        );
      }
    }
    lines.push('');
  }

  const handshakeRows = ['wskit', 'ws', 'bun-wskit', 'bun-native']
    .map((name) => [name, summarise(document.samples, 'handshakes', name)] as const)
    .filter(([, summary]) => summary !== undefined);
  if (handshakeRows.length > 0) {
    const ws = summarise(document.samples, 'handshakes', 'ws');
    lines.push(
      `### Handshakes per second (${settings.handshakeConcurrency} at a time: connect, upgrade, one 64 B message and its echo, Close and the server's Close)`,
      '',
      '| server | handshakes/s | range | ÷ ws | server CPU | load generator CPU |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const [name, summary] of handshakeRows)
      lines.push(
        `| ${SHORT[name]} | ${count(summary!.median)} | ${count(summary!.min)}–${count(summary!.max)} | ${ratio(ratioOf(summary, ws))} | ${share(summary!.serverCpu)} | ${loadShare(summary!)} |`,
      );
    lines.push('');
  }

  const memory = document.memory;
  if (memory?.servers.wskit !== undefined && memory.servers.ws !== undefined) {
    const { wskit, ws } = memory.servers;
    const runs = memory.runs;
    /** The median, then the range of the runs when there were several. */
    const cell = (
      server: 'wskit' | 'ws',
      field: 'heapBytesPerConnection' | 'rssBytesPerConnection' | 'externalBytesPerConnection',
    ): string => {
      const values = (runs?.[server] ?? []).map((run) => run[field]);
      const value = kib(memory.servers[server]![field]);
      if (values.length < 2) return value;
      return `${value} (${(Math.min(...values) / 1024).toFixed(1)}–${(Math.max(...values) / 1024).toFixed(1)})`;
    };
    const repetitions = runs?.wskit?.length ?? 1;
    const held =
      memory.warmup === undefined
        ? `${memory.connections.toLocaleString('en-US')} connections held by \`wsload hold\``
        : `${memory.connections.toLocaleString('en-US')} connections held by \`wsload hold\` after ${memory.warmup.toLocaleString('en-US')} not counted`;
    lines.push(
      `### Idle memory per connection (${held}${repetitions > 1 ? `; medians of ${repetitions} runs, ranges in parentheses` : ''})`,
      '',
      '| server | V8 heap used | RSS | external |',
      '| --- | ---: | ---: | ---: |',
      `| wskit (\`@wskit/node\` \`WebSocketServer\`) | ${cell('wskit', 'heapBytesPerConnection')} | ${cell('wskit', 'rssBytesPerConnection')} | ${kib(wskit.externalBytesPerConnection)} |`,
      `| ws | ${cell('ws', 'heapBytesPerConnection')} | ${cell('ws', 'rssBytesPerConnection')} | ${kib(ws.externalBytesPerConnection)} |`,
      `| ws ÷ wskit (>1: wskit smaller) | ${ratio(ws.heapBytesPerConnection / wskit.heapBytesPerConnection)} | ${ratio(ws.rssBytesPerConnection / wskit.rssBytesPerConnection)} | |`,
      '',
    );
    if (memory.note) lines.push(`(${memory.note}.)`, '');
  }

  const deflateRows = SCENARIOS.filter((scenario) =>
    summarise(document.samples, 'deflate', 'wskit', scenario.name),
  );
  if (deflateRows.length > 0) {
    lines.push(
      '### permessage-deflate, JSON-like text (client and server: wskit ↔ wskit against ws ↔ ws, each with its defaults)',
      '',
      '| scenario | wskit msg/s | ws msg/s | wskit ÷ ws |',
      '| --- | ---: | ---: | ---: |',
    );
    for (const scenario of deflateRows) {
      const wskit = summarise(document.samples, 'deflate', 'wskit', scenario.name);
      const ws = summarise(document.samples, 'deflate', 'ws', scenario.name);
      lines.push(
        `| ${describeScenario(scenario)} | ${count(wskit!.median)} | ${count(ws?.median ?? Number.NaN)} | ${ratio(ratioOf(wskit, ws))} |`,
      );
    }
    lines.push('');
  }

  const clientRows = SCENARIOS.filter((scenario) =>
    summarise(document.samples, 'client', 'wskit', scenario.name),
  );
  if (clientRows.length > 0) {
    const get = (name: string, scenario: string) => summarise(document.samples, 'client', name, scenario);
    lines.push(
      '### Clients against the C neutral server (`wsload server`; binary; messages/s, medians)',
      '',
      '| scenario | wskit | ws+bufferutil | undici | @wskit/bun | Bun `WebSocket` | wskit ÷ ws | wskit ÷ undici | @wskit/bun ÷ Bun | neutral server CPU |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const scenario of clientRows) {
      const n = scenario.name;
      const cpu = Math.max(
        ...['wskit', 'ws-bufferutil', 'undici', 'bun-wskit', 'bun-native'].map(
          (name) => get(name, n)?.serverCpu ?? 0,
        ),
      );
      lines.push(
        `| ${describeScenario(scenario)} | ${count(get('wskit', n)?.median ?? Number.NaN)} | ${count(get('ws-bufferutil', n)?.median ?? Number.NaN)} | ${count(get('undici', n)?.median ?? Number.NaN)} | ${count(get('bun-wskit', n)?.median ?? Number.NaN)} | ${count(get('bun-native', n)?.median ?? Number.NaN)} | ${ratio(ratioOf(get('wskit', n), get('ws-bufferutil', n)))} | ${ratio(ratioOf(get('wskit', n), get('undici', n)))} | ${ratio(ratioOf(get('bun-wskit', n), get('bun-native', n)))} | ≤ ${share(cpu)} |`,
      );
    }
    lines.push('');
  }

  const generatorShares = document.samples
    .map((item) => item.loadCpuShare)
    .filter((value): value is number => value !== undefined);
  const verified = document.samples.reduce((total, item) => total + (item.verified ?? 0), 0);
  if (generatorShares.length > 0) {
    lines.push(
      '### The load generator',
      '',
      `Its CPU time (\`getrusage\`) over the measured window: median ${share(median(generatorShares))} of one core, at most ${share(Math.max(...generatorShares))} (goal: well under 70 %). It sent and checked ${verified.toLocaleString('en-US')} messages in this run; every echo matched byte for byte (a run with a mismatch, a lost or an extra message fails).`,
      '',
    );
    const flagged = document.samples.filter(
      (item) => item.loadCpuShare !== undefined && item.loadCpuShare > LOAD_CPU_FLAG,
    );
    const cells = [
      ...new Set(
        flagged.map((item) =>
          [item.section, item.scenario, item.mode, item.subject].filter(Boolean).join(' '),
        ),
      ),
    ];
    lines.push(
      cells.length === 0
        ? `It stayed at or below ${share(LOAD_CPU_FLAG)} of its core in every repetition of every cell.`
        : `Cells where it used more than ${share(LOAD_CPU_FLAG)} of its core in some repetition (marked ⚠ above; there it may have held the server back, so read those rates as lower bounds): ${cells.map((cell) => `\`${cell}\``).join(', ')}.`,
      '',
    );
  }

  lines.push(
    '### How it is measured',
    '',
    "- **Load generator** (`apps/bench/src/load/wsload.c`, compiled by the runner with the machine's C compiler into `apps/bench/.build/`): one thread, epoll, non-blocking sockets. It opens every connection with a real HTTP/1.1 upgrade and checks `Sec-WebSocket-Accept`, sends pre-built masked frames (8 different payloads and masking keys, pseudo-random bytes for binary frames, UTF-8 text with two-byte characters for text frames) with `writev` (one `writev` per connection per read, whatever number of echoes that read completed; epoll interest changed only when it must), keeps the scenario's number of messages in flight on every connection (each echo sends the next message), and checks every echo against what was sent: opcode, length and every byte (continuation frames accepted). Messages completed in the measured window are counted; afterwards no new message is sent until all have come back and been checked.",
    "- **Ceiling**: the same program with `--raw` against a Node `net` echo (`socket.on('data', chunk => socket.write(chunk))`): no handshake, the same masked frames sent and expected back byte for byte. No WebSocket server on Node can beat it.",
    "- **Servers**: wskit's `apps/echo-server` with default flags (`for await` and `write`, the send without a promise), the same runtime and listener written the event way (`apps/bench/src/load/event-server.ts`: `session.on('message', (data) => session.write(data))`), ws 8 with bufferutil (`ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))`), `apps/echo-server --runtime bun` and `Bun.serve`. Each server runs in its own process for the whole run; the contenders of a cell run one after another, in a rotated and alternately reversed order.",
    "- **CPU**: the load generator reads its own `getrusage` and the server's `/proc/<pid>/stat` (user + system, all threads, descendants included) at the start and end of the window; 100 % is one core. A server at about 100 % is the bottleneck, as intended.",
    "- **Handshakes**: `wsload handshakes` keeps 16 connections cycling through connect, upgrade, one 64 B message and its echo, a Close and the server's Close; whole cycles per second.",
    "- **Idle memory**: `apps/bench/src/e2e/memory-server.ts` (wskit's `WebSocketServer` from `@wskit/node` or ws's, `--expose-gc`) measures `process.memoryUsage()` after full collections before and after `wsload hold` opened the connections from another process, and divides by their number. A tenth as many connections are opened first and not counted: what a process spends once (code compiled on the first connections, the malloc arenas of V8's compiler and GC threads, which vary between 5 and 12 MB from run to run of the same server: 0.5–1.2 KiB per connection at 10,000) stays out of the per-connection figure. Each repetition measures both servers, in alternating order; the table gives medians. The runner raises the open-file limit of both processes (`ulimit -n`) as far as the hard limit allows.",
    "- **Clients**: e2e's client processes (`apps/bench/src/e2e/node-client.ts`, `bun-client.ts`; echoes counted by size) on the core the servers use, against `wsload server` on the other core: a minimal epoll echo server in C that is not the bottleneck (its CPU share is in the last column).",
    "- **permessage-deflate**: e2e's client and server processes (wskit client ↔ wskit `WebSocketServer`, ws+bufferutil ↔ ws), both sides with their defaults, JSON-like text; the run fails unless the extension was agreed.",
    '',
  );
  return lines.join('\n');
}

/** docs/benchmarks.svg: throughput ÷ raw net echo per scenario, and idle memory, from one run. */
export function renderLoadSvg(document: LoadDocument): string {
  const ratios = throughputRatios(document).filter((row) => row.mode === 'binary');
  const names: ServerName[] = ['wskit', 'wskit-event', 'ws', 'bun-wskit', 'bun-native'];
  const colors: Record<string, string> = {
    wskit: '#4e79a7',
    'wskit-event': '#a0cbe8',
    ws: '#f28e2b',
    'bun-wskit': '#59a14f',
    'bun-native': '#b6992d',
  };
  const width = 760;
  const left = 170;
  const barHeight = 14;
  const plot = width - left - 70;
  const elements: string[] = [];
  let y = 30;
  const maxRatio = Math.max(
    1.1,
    ...ratios.flatMap((row) =>
      names.map((name) => row.ofNet[name] ?? 0).filter((value) => Number.isFinite(value)),
    ),
  );
  const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  elements.push(
    `<text x="8" y="18" font-size="13" font-weight="bold">Echo throughput ÷ raw Node net echo (binary, medians; ${escapeXml(document.generatedAt.slice(0, 10))}, ${escapeXml(document.mode)} run)</text>`,
  );
  const oneX = left + plot / maxRatio;
  const top = y;
  for (const row of ratios) {
    const scenario = SCENARIOS.find((item) => item.name === row.scenario)!;
    elements.push(
      `<text x="8" y="${y + 11}" font-size="11" font-weight="bold">${escapeXml(describeScenario(scenario))}</text>`,
    );
    y += 16;
    for (const name of names) {
      const value = row.ofNet[name];
      if (value === undefined || !Number.isFinite(value)) continue;
      const length = (plot * value) / maxRatio;
      elements.push(
        `<text x="${left - 6}" y="${y + 11}" font-size="11" text-anchor="end">${escapeXml(SHORT[name]!)}</text>`,
        `<rect x="${left}" y="${y}" width="${length.toFixed(1)}" height="${barHeight}" fill="${colors[name]}"/>`,
        `<text x="${(left + length + 4).toFixed(1)}" y="${y + 11}" font-size="11">${value.toFixed(2)}</text>`,
      );
      y += barHeight + 3;
    }
    y += 6;
  }
  if (ratios.length > 0)
    elements.push(
      `<line x1="${oneX.toFixed(1)}" y1="${top}" x2="${oneX.toFixed(1)}" y2="${y}" stroke="#333" stroke-dasharray="4 3"/>`,
      `<text x="${oneX.toFixed(1)}" y="${y + 12}" font-size="10" text-anchor="middle">1.0 = raw net echo</text>`,
    );
  y += 24;
  const memory = document.memory;
  if (memory?.servers.wskit !== undefined && memory.servers.ws !== undefined) {
    const { wskit, ws } = memory.servers;
    elements.push(
      `<text x="8" y="${y + 11}" font-size="13" font-weight="bold">Idle memory per connection, ${memory.connections.toLocaleString('en-US')} connections (KiB; shorter is better)</text>`,
    );
    y += 22;
    const bars = [
      ['wskit heap', wskit.heapBytesPerConnection, '#4e79a7'],
      ['ws heap', ws.heapBytesPerConnection, '#f28e2b'],
      ['wskit RSS', wskit.rssBytesPerConnection, '#4e79a7'],
      ['ws RSS', ws.rssBytesPerConnection, '#f28e2b'],
    ] as const;
    const maxBytes = Math.max(...bars.map(([, bytes]) => Math.max(bytes, 0)), 1);
    for (const [label, bytes, color] of bars) {
      const length = (plot * Math.max(bytes, 0)) / maxBytes;
      elements.push(
        `<text x="${left - 6}" y="${y + 11}" font-size="11" text-anchor="end">${label}</text>`,
        `<rect x="${left}" y="${y}" width="${length.toFixed(1)}" height="${barHeight}" fill="${color}"/>`,
        `<text x="${(left + length + 4).toFixed(1)}" y="${y + 11}" font-size="11">${(bytes / 1024).toFixed(1)}</text>`,
      );
      y += barHeight + 3;
    }
    y += 10;
  }
  const height = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${elements.join('\n')}\n</svg>\n`;
}

/// <reference types="node" />
/**
 * Micro-benchmark: compress and decompress throughput of @wskit/permessage-deflate against ws's
 * PerMessageDeflate (both on node:zlib), on 1 KiB and 64 KiB text messages, one connection with
 * context takeover and 16 connections at once (both libraries' default limit of 10 zlib jobs). Runs
 * alternate between the two libraries and the best of each is kept.
 *
 *   npx pnpm@10.34.9 --filter @wskit/permessage-deflate run bench   (builds, then runs with Node)
 *   node bench/compare.ts --quick                                   (after a build)
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { perMessageDeflate } from '@wskit/permessage-deflate';
import type { ConnectionExtension, ExtensionContext } from '@wskit/protocol';

type Callback = (error: Error | null, result?: Uint8Array) => void;
interface WsPerMessageDeflate {
  accept(configurations: Record<string, (string | true)[]>[]): unknown;
  compress(data: Uint8Array, fin: boolean, callback: Callback): void;
  decompress(data: Uint8Array, fin: boolean, callback: Callback): void;
  cleanup(): void;
}

const require = createRequire(import.meta.url);
const wsDirectory = dirname(require.resolve('ws/package.json'));
const WsPerMessageDeflate = require(join(wsDirectory, 'lib/permessage-deflate.js')) as new (
  options: Record<string, unknown>,
) => WsPerMessageDeflate;
const wsVersion = (require('ws/package.json') as { version: string }).version;

const quick = process.argv.includes('--quick');
const context: ExtensionContext = { role: 'server', maxMessageSize: 1 << 26 };

/** Text that compresses like chat or JSON traffic: words from a small vocabulary, numbers, braces. */
function payload(size: number, seed: number): Uint8Array {
  const words = [
    '{"type":"update",',
    '"id":',
    '"user":"alice",',
    '"text":"hello world",',
    '"items":[1,2,3],',
    '},',
  ];
  let state = seed;
  let text = '';
  while (text.length < size) {
    state = (state * 1103515245 + 12345) >>> 0;
    text += words[state % words.length] + String(state % 1000);
  }
  return new TextEncoder().encode(text.slice(0, size));
}

interface Codec {
  compress(data: Uint8Array): Promise<Uint8Array>;
  decompress(data: Uint8Array): Promise<Uint8Array>;
  close(): void;
}

function ours(): Codec {
  const extension: ConnectionExtension = perMessageDeflate({ threshold: 0 }).createExtension([], 'server');
  const peer: ConnectionExtension = perMessageDeflate({ threshold: 0 }).createExtension([], 'client');
  return {
    compress: async (data) => (await extension.encodeMessage!({ type: 'text', data, rsv: 0 }, context)).data,
    decompress: async (data) => (await peer.decodeMessage({ type: 'text', data, rsv: 0x40 }, context)).data,
    close: () => {
      extension.dispose?.();
      peer.dispose?.();
    },
  };
}

function ws(): Codec {
  const server = new WsPerMessageDeflate({ isServer: true, threshold: 0 });
  server.accept([{}]);
  const client = new WsPerMessageDeflate({ isServer: false, threshold: 0 });
  client.accept([{}]);
  const call = (method: 'compress' | 'decompress', side: WsPerMessageDeflate, data: Uint8Array) =>
    new Promise<Uint8Array>((resolve, reject) =>
      side[method](data, true, (error, result) => (error ? reject(error) : resolve(result!))),
    );
  return {
    compress: (data) => call('compress', server, data),
    decompress: (data) => call('decompress', client, data),
    close: () => {
      server.cleanup();
      client.cleanup();
    },
  };
}

/** Runs `connections` codecs side by side, each compressing then decompressing `count` messages. */
async function measure(make: () => Codec, size: number, count: number, connections: number) {
  const codecs = Array.from({ length: connections }, make);
  const messages = Array.from({ length: 16 }, (_, i) => payload(size, i + 1));
  // Compress phase (one context per connection, in order), keeping the output for the inflaters.
  let start = performance.now();
  const compressed = await Promise.all(
    codecs.map(async (codec) => {
      const out: Uint8Array[] = [];
      for (let i = 0; i < count; i++) out.push(await codec.compress(messages[i % messages.length]!));
      return out;
    }),
  );
  const compressSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  await Promise.all(
    codecs.map(async (codec, index) => {
      for (const data of compressed[index]!) await codec.decompress(data);
    }),
  );
  const decompressSeconds = (performance.now() - start) / 1000;
  for (const codec of codecs) codec.close();
  const bytes = size * count * connections;
  const ratio = compressed[0]!.reduce((sum, data) => sum + data.byteLength, 0) / (size * count);
  return {
    compressMBps: bytes / compressSeconds / 1e6,
    decompressMBps: bytes / decompressSeconds / 1e6,
    compressionRatio: ratio,
  };
}

const scenarios = [
  { label: '1 KiB text, 1 connection', size: 1024, count: quick ? 2_000 : 10_000, connections: 1 },
  { label: '64 KiB text, 1 connection', size: 65536, count: quick ? 200 : 1_000, connections: 1 },
  { label: '1 KiB text, 16 connections', size: 1024, count: quick ? 200 : 1_000, connections: 16 },
  { label: '64 KiB text, 16 connections', size: 65536, count: quick ? 20 : 100, connections: 16 },
];

const runs = quick ? 3 : 7;
console.log(
  `node ${process.version}, ws ${wsVersion}; MB/s of uncompressed payload, best of ${runs} interleaved runs`,
);
console.log(
  '| scenario | compress ours | compress ws | ratio | decompress ours | decompress ws | ratio | size after |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
type Result = Awaited<ReturnType<typeof measure>>;
const better = (a: Result | undefined, b: Result): Result =>
  a === undefined
    ? b
    : {
        compressMBps: Math.max(a.compressMBps, b.compressMBps),
        decompressMBps: Math.max(a.decompressMBps, b.decompressMBps),
        compressionRatio: b.compressionRatio,
      };
for (const scenario of scenarios) {
  const run = (make: () => Codec) => measure(make, scenario.size, scenario.count, scenario.connections);
  await run(ours); // warm-up
  await run(ws);
  // Interleaved, so that a change in machine load hits both alike.
  let wskit: Result | undefined;
  let reference: Result | undefined;
  for (let i = 0; i < runs; i++) {
    wskit = better(wskit, await run(ours));
    reference = better(reference, await run(ws));
  }
  const a = wskit!;
  const b = reference!;
  const cell = (value: number) => value.toFixed(1);
  console.log(
    `| ${scenario.label} | ${cell(a.compressMBps)} | ${cell(b.compressMBps)} | ` +
      `${(a.compressMBps / b.compressMBps).toFixed(2)} | ${cell(a.decompressMBps)} | ` +
      `${cell(b.decompressMBps)} | ${(a.decompressMBps / b.decompressMBps).toFixed(2)} | ` +
      `${(a.compressionRatio * 100).toFixed(1)} % |`,
  );
}

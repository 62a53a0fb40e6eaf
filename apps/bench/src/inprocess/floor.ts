/**
 * The least a WebSocket echo server written in JavaScript does per message, measured with wskit's
 * codec alone: decode a client's masked frame as it arrives from the socket (unmasking it, and
 * assembling it into one buffer when it spans reads, as a 64 KiB frame always does with Node's
 * 64 KiB reads) and encode the unmasked frame of the echo (a header; the payload itself is written
 * as it is). No session, no queue, no event, no system call: what is left of a server's cost once
 * everything that could be cut was cut. `docs/performance.md` sets it beside the raw socket's cost
 * to tell which of issue 13's goals any server of this design can reach.
 *
 *   node src/inprocess/floor.ts [--scenario b|c|d|e] [--seconds 2] [--json]
 *   bun src/inprocess/floor.ts …
 *
 * The reads are the load benchmark's: b one 64 B frame per read, c four 1 KiB frames per read, d a
 * 64 KiB frame in a 64 KiB read and the rest, e a 1 MiB frame in 64 KiB reads. The same read
 * buffers are decoded again and again (unmasking in place flips their payloads back and forth,
 * which costs the same); an assembled message is a new buffer each time, as in a server. Not a
 * test: nothing is asserted on times.
 */
import { Buffer } from 'node:buffer';
import { parseArgs } from 'node:util';
import { FrameEncoder, MessageDecoder, Opcode } from '@wskit/codec';
import { binaryFrame } from './frames.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((argument, index) => !(index === 0 && argument === '--')),
  options: {
    scenario: { type: 'string' },
    seconds: { type: 'string', default: '2' },
    json: { type: 'boolean', default: false },
  },
});

/** Per scenario: the payload size, frames per read, and the largest read. */
const SCENARIOS = {
  b: { size: 64, framesPerRead: 1 },
  c: { size: 1024, framesPerRead: 4 },
  d: { size: 64 * 1024, framesPerRead: 1 },
  e: { size: 1024 * 1024, framesPerRead: 1 },
} as const;
const READ_SIZE = 64 * 1024;

function fail(message: string): never {
  console.error(`${message}\nUsage: floor.ts [--scenario b,c,d,e] [--seconds S] [--json]`);
  process.exit(2);
}

const names = values.scenario === undefined ? Object.keys(SCENARIOS) : values.scenario.split(',');
for (const name of names) if (!(name in SCENARIOS)) fail(`Unknown scenario: ${name}`);
const seconds = Number(values.seconds);
if (!Number.isFinite(seconds) || seconds <= 0)
  fail(`--seconds must be a positive number, not ${values.seconds}`);

/** `size` pseudo-random bytes. */
function randomPayload(size: number): Uint8Array {
  const payload = new Uint8Array(size);
  let seed = 0x2545f491;
  for (let index = 0; index < size; index++) {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    payload[index] = seed >>> 24;
  }
  return payload;
}

/** The reads one message (or, in c, one read's worth of messages) arrives in. */
function readsOf(name: keyof typeof SCENARIOS): Uint8Array[] {
  const { size, framesPerRead } = SCENARIOS[name];
  const frame = binaryFrame(randomPayload(size), 'client');
  const all = new Uint8Array(frame.length * framesPerRead);
  for (let index = 0; index < framesPerRead; index++) all.set(frame, index * frame.length);
  const reads: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += READ_SIZE) reads.push(all.slice(at, at + READ_SIZE));
  return reads;
}

/** The allocator the Node and Bun adapters give the codec: memory that is not zero-filled. */
const allocate = (length: number): Uint8Array => {
  const buffer = Buffer.allocUnsafe(length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
};

interface Result {
  scenario: string;
  size: number;
  messages: number;
  cpuNanosecondsPerMessage: number;
  /**
   * For a message that spans reads: the part no server can skip when it hands the application one
   * buffer per message, allocating that buffer and copying the reads into it (no parsing, no
   * unmasking); `undefined` when a message fits in one read.
   */
  assemblyNanosecondsPerMessage: number | undefined;
}

/**
 * CPU nanoseconds per call of `step`, called for about `seconds` after a warm-up for the optimizing
 * compiler, and how many calls were measured.
 */
function cpuPerCall(step: () => void): { nanoseconds: number; calls: number } {
  const warmUp = performance.now();
  while (performance.now() - warmUp < 200) for (let index = 0; index < 16; index++) step();
  let calls = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  while (performance.now() - started < seconds * 1000) {
    for (let index = 0; index < 16; index++) step();
    calls += 16;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { nanoseconds: ((cpu.user + cpu.system) * 1000) / calls, calls };
}

async function measure(name: keyof typeof SCENARIOS): Promise<Result> {
  const reads = readsOf(name);
  const { size, framesPerRead } = SCENARIOS[name];
  const encoder = new FrameEncoder({ role: 'server', allocate });
  let delivered = 0;
  let written = 0;
  const decoder = new MessageDecoder(
    {
      onText() {},
      onBinary(data) {
        delivered++;
        // The echo: its header, and the payload as it is.
        written += encoder.encode(Opcode.Binary, data).length;
      },
      onPiece() {},
      onExtensionMessage() {},
      onPing() {},
      onPong() {},
      onClose() {},
    },
    { role: 'server', maxMessageSize: 16 * 1024 * 1024, allocate },
  );
  /** One round: the reads of one message (of four in c). */
  const round = (): void => {
    for (let index = 0; index < reads.length; index++) {
      const error = decoder.write(reads[index]!);
      if (error !== undefined) throw error;
    }
  };
  // A first round and a turn of the event loop: the SIMD masking kernel, asked for by the first
  // large payload, loads by a dynamic import, as it does in a server.
  round();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const decoding = cpuPerCall(round);
  if (written === 0 || delivered === 0) throw new Error('the echo did not go round');
  let assembly: number | undefined;
  if (reads.length > 1) {
    let kept: Uint8Array | undefined;
    assembly = cpuPerCall(() => {
      const message = allocate(size);
      let at = 0;
      for (let index = 0; index < reads.length; index++) {
        const read = reads[index]!;
        const take = Math.min(read.length, size - at);
        message.set(take === read.length ? read : read.subarray(0, take), at);
        at += take;
      }
      kept = message;
    }).nanoseconds;
    if (kept?.length !== size) throw new Error('the assembly went wrong');
  }
  return {
    scenario: name,
    size,
    messages: decoding.calls * framesPerRead,
    cpuNanosecondsPerMessage: decoding.nanoseconds / framesPerRead,
    assemblyNanosecondsPerMessage: assembly,
  };
}

for (const name of names) {
  const result = await measure(name as keyof typeof SCENARIOS);
  if (values.json) console.log(JSON.stringify(result));
  else
    console.log(
      `${result.scenario}: ${result.size} B: ${Math.round(result.cpuNanosecondsPerMessage).toLocaleString('en-US')} ns CPU per message (${result.messages.toLocaleString('en-US')} messages)${result.assemblyNanosecondsPerMessage === undefined ? '' : `; the assembly alone: ${Math.round(result.assemblyNanosecondsPerMessage).toLocaleString('en-US')} ns`}`,
    );
}

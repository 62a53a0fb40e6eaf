/**
 * The engine driver's per-message cost with no system call in the way: `@wskit/transport`'s
 * `WebSocket` (the session, the protocol engine and the codec, the code every adapter shares) echoes
 * over fake transports in one process, and the CPU time per echoed message is printed. This is the
 * measure to profile the per-message path with (`node --cpu-prof`, `bun --cpu-prof-md`): under the
 * load generator the kernel takes most of the time and the profile of our code is thin.
 *
 *   node src/inprocess/echo.ts [--role server|client] [--style event|iterate] [--connections 64]
 *        [--size 64] [--inflight 1] [--seconds 3] [--json]
 *   bun src/inprocess/echo.ts …   (the same code under Bun)
 *
 * `--role server`: the peer's frames arrive masked and the echo goes out unmasked; `client`: the
 * other way round. `--style event` echoes from a `message` listener with `write()`, `iterate` from
 * a `for await` loop (as `apps/echo-server`). Each fake transport hands the frames written to it
 * back as the peer's echo in the next turn (a `setImmediate` for all connections), as whole chunks
 * of fresh memory, `--inflight` messages per connection. Not a test: nothing is asserted on times.
 */
import { parseArgs } from 'node:util';
import { openWebSocket, type Transport, type TransportHandler } from '@wskit/transport';
import { binaryFrame } from './frames.ts';

const { values } = parseArgs({
  // pnpm passes the `--` before the script's own options through: it is not one of them.
  args: process.argv.slice(2).filter((argument, index) => !(index === 0 && argument === '--')),
  options: {
    role: { type: 'string', default: 'server' },
    style: { type: 'string', default: 'event' },
    connections: { type: 'string', default: '64' },
    size: { type: 'string', default: '64' },
    inflight: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(
    `${message}\nUsage: echo.ts [--role server|client] [--style event|iterate] [--connections N] [--size BYTES] [--inflight N] [--seconds S] [--json]`,
  );
  process.exit(2);
}

const role =
  values.role === 'server' || values.role === 'client' ? values.role : fail(`Unknown role: ${values.role}`);
const style =
  values.style === 'event' || values.style === 'iterate'
    ? values.style
    : fail(`Unknown style: ${values.style}`);
const count = (name: string, text: string, min: number): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min)
    fail(`--${name} must be a number of at least ${min}, not ${text}`);
  return value;
};
const connections = Math.round(count('connections', values.connections, 1));
const size = Math.round(count('size', values.size, 0));
const inflight = Math.round(count('inflight', values.inflight, 1));
const seconds = count('seconds', values.seconds, 0.05);

/** The frame the peer sends: masked towards a server (the peer is a client), plain towards a client. */
const frame = binaryFrame(new Uint8Array(size).fill(7), role === 'server' ? 'client' : 'server');
/** The size of the frames we send back: the payload, a header, and a masking key from a client. */
const ourFrameSize = size + (size < 126 ? 2 : size < 65_536 ? 4 : 10) + (role === 'client' ? 4 : 0);

/**
 * Fresh copies of the peer's frame, cheaply: views of a 16 MiB block of copies, refilled when used
 * up (a server unmasks in place, so a frame is never handed out twice before the refill).
 */
const blockFrames = Math.max(1, Math.floor((16 << 20) / frame.length));
const block = new Uint8Array(blockFrames * frame.length);
const refill = (): void => {
  for (let index = 0; index < blockFrames; index++) block.set(frame, index * frame.length);
};
refill();
let nextFrame = 0;
function frameCopy(): Uint8Array {
  if (nextFrame === blockFrames) {
    refill();
    nextFrame = 0;
  }
  const at = nextFrame++ * frame.length;
  return block.subarray(at, at + frame.length);
}

let due: FakeTransport[] = [];
let deliveryPlanned = false;
/** The next turn: every transport that was written to gets its echoes. */
function deliver(): void {
  deliveryPlanned = false;
  const list = due;
  due = [];
  for (const transport of list) {
    const owed = transport.owed;
    transport.owed = 0;
    for (let index = 0; index < owed; index++) transport.handler!.onData(frameCopy());
  }
}

/** A transport whose peer echoes every frame written to it, in the next turn. */
class FakeTransport implements Transport {
  handler: TransportHandler | undefined;
  owed = 0;
  readonly bufferedAmount = 0;
  start(handler: TransportHandler): void {
    this.handler = handler;
  }
  write(chunks: readonly Uint8Array[]): boolean {
    let bytes = 0;
    for (let index = 0; index < chunks.length; index++) bytes += chunks[index]!.byteLength;
    this.owe(Math.round(bytes / ourFrameSize));
    return true;
  }
  owe(frames: number): void {
    if (frames === 0) return;
    if (this.owed === 0) due.push(this);
    this.owed += frames;
    if (!deliveryPlanned) {
      deliveryPlanned = true;
      setImmediate(deliver);
    }
  }
  pause(): void {}
  resume(): void {}
  end(): void {}
  close(): void {}
  abort(): void {}
}

let echoed = 0;
const payload = new Uint8Array(size).fill(7);
for (let index = 0; index < connections; index++) {
  const transport = new FakeTransport();
  const ws = openWebSocket(transport, { role, decodeText: false });
  // A server echoes what it received; a client sends its own payload again.
  const reply = (data: string | Uint8Array): boolean => ws.write(role === 'server' ? data : payload);
  if (style === 'iterate') {
    void (async () => {
      for await (const data of ws) {
        echoed++;
        if (!reply(data)) await ws.drained();
      }
    })();
  } else {
    ws.on('message', (data) => {
      echoed++;
      reply(data);
    });
  }
  // The first messages: the client sends them, the server's peer does.
  if (role === 'client') for (let sent = 0; sent < inflight; sent++) ws.write(payload);
  else transport.owe(inflight);
}

// A warm-up (the optimizing compiler, the heap's size), then the measured window.
await new Promise((resolve) => setTimeout(resolve, Math.min(500, seconds * 250)));
echoed = 0;
const started = performance.now();
const cpuBefore = process.cpuUsage();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const result = {
  role,
  style,
  connections,
  size,
  inflight,
  seconds: elapsed,
  messages: echoed,
  messagesPerSecond: echoed / elapsed,
  cpuNanosecondsPerMessage: echoed === 0 ? Number.NaN : ((cpu.user + cpu.system) * 1000) / echoed,
};
if (values.json) console.log(JSON.stringify(result));
else
  console.log(
    `${role} ${style}, ${connections} × ${size} B, ${inflight} in flight: ${Math.round(result.messagesPerSecond).toLocaleString('en-US')} msg/s, ${Math.round(result.cpuNanosecondsPerMessage)} ns CPU per message`,
  );
process.exit(0);

/**
 * Decode and encode throughput of whole binary messages: wskit's `MessageDecoder` and
 * `FrameEncoder` against ws's `Receiver` and `Sender.frame()`, on the same bytes.
 */
import { FrameEncoder, frameHeaderSize, MessageDecoder, type MessageHandler, Opcode } from '@wskit/codec';
import { chunk, freshCopies, messageStream, payload } from './frames.ts';
import { type Budget, type Contender, compare, type Timing } from './measure.ts';
import { Receiver, Sender, type WsFrameOptions } from './ws-reference.ts';

/** One measured case of the codec suite. */
export interface CodecCase {
  operation: 'decode' | 'encode';
  size: number;
  masked: boolean;
  /** Payload bytes processed per sample. */
  bytesPerSample: number;
  /** Messages per sample. */
  messagesPerSample: number;
  timings: Timing[];
}

/**
 * Messages per decode sample: at least 1 MiB of payload (64 payloads of the larger sizes) so that
 * per-call costs average out; one message for the largest.
 */
function decodeMessages(size: number): number {
  const target =
    size >= 16 * 1024 * 1024 ? size : size >= 1024 * 1024 ? 4 * size : Math.max(1024 * 1024, 64 * size);
  return Math.max(1, Math.min(Math.round(target / size), 65536));
}

/**
 * Messages per encode sample. A masked frame costs in proportion to its payload (about 1 MiB per
 * sample); an unmasked one is a header and the caller's payload, whatever its size, so it gets as
 * many messages as the smallest payloads (which keeps samples well above the clock's resolution).
 */
function encodeMessages(size: number, masked: boolean): number {
  if (!masked) return 65536;
  return Math.max(1, Math.min(Math.round((1024 * 1024) / size), 65536));
}

/** Counts what a decoder delivered, to check it and to keep the work observable. */
class Tally {
  messages = 0;
  bytes = 0;
  check = 0;

  add(data: Uint8Array): void {
    this.messages++;
    this.bytes += data.length;
    this.check = (this.check + data[data.length >> 1]!) | 0;
  }

  take(expectedMessages: number, expectedBytes: number, who: string): number {
    if (this.messages !== expectedMessages || this.bytes !== expectedBytes) {
      throw new Error(
        `${who} decoded ${this.messages} messages / ${this.bytes} bytes, expected ${expectedMessages} / ${expectedBytes}`,
      );
    }
    const check = this.check;
    this.messages = 0;
    this.bytes = 0;
    this.check = 0;
    return check;
  }
}

function ignore(): void {}

/**
 * How wskit allocates the arrays it fills (joined messages, frames over 4 KiB) in every row: Node's
 * `Buffer.allocUnsafe`, as the Node adapter (`@wskit/node`) is to pass it, and as ws allocates. The
 * codec's portable default is a zeroed `new Uint8Array`.
 */
export const WSKIT_ALLOCATE = Buffer.allocUnsafe;

/** wskit's message decoder, as a server (masked input) or client (unmasked input). */
function wskitDecoder(masked: boolean, tally: Tally): MessageDecoder {
  const handler: MessageHandler = {
    onText: ignore,
    onBinary: (data) => tally.add(data),
    onPiece: ignore,
    onExtensionMessage: ignore,
    onPing: ignore,
    onPong: ignore,
    onClose: ignore,
  };
  return new MessageDecoder(handler, { role: masked ? 'server' : 'client', allocate: WSKIT_ALLOCATE });
}

/** ws's receiver, as a server (masked input) or client (unmasked input). */
function wsReceiver(masked: boolean, tally: Tally) {
  const receiver = new Receiver({ isServer: masked, maxPayload: 0 });
  receiver.on('message', (data) => tally.add(data));
  receiver.on('error', (error) => {
    throw error;
  });
  return receiver;
}

/** The decode contenders for `size`-byte messages, fed in socket-sized chunks. */
export function decodeContenders(
  size: number,
  masked: boolean,
): { contenders: Contender[]; messages: number } {
  const messages = decodeMessages(size);
  const chunks = chunk(messageStream(payload(size), messages, masked));
  const expectedBytes = messages * size;

  const wskitTally = new Tally();
  const decoder = wskitDecoder(masked, wskitTally);
  let wskitInput: Buffer[] = [];
  const wskit: Contender = {
    name: 'wskit',
    prepare: () => {
      wskitInput = freshCopies(chunks);
    },
    run: () => {
      for (const piece of wskitInput) {
        const error = decoder.write(piece);
        if (error !== undefined) throw error;
      }
      return wskitTally.take(messages, expectedBytes, 'wskit');
    },
  };

  const wsTally = new Tally();
  const receiver = wsReceiver(masked, wsTally);
  let wsInput: Buffer[] = [];
  const ws: Contender = {
    name: 'ws',
    prepare: () => {
      wsInput = freshCopies(chunks);
    },
    run: () => {
      // As ws's own socket 'data' handler does: receiver.write(chunk).
      for (const piece of wsInput) receiver.write(piece);
      return wsTally.take(messages, expectedBytes, 'ws');
    },
  };
  return { contenders: [wskit, ws], messages };
}

/**
 * The encode contenders: one binary frame per message, the payload left untouched. ws gets what
 * `ws.send(buffer)` passes to `Sender.frame()` (a Buffer argument is read-only to ws, so a masked
 * frame is built in a new buffer, as wskit does; an unmasked one is a header plus the payload).
 * `wskit` produces the same output as ws (for unmasked payloads, `copyThreshold: 0`: a header plus
 * the payload); `wskit-one-buffer` is the default configuration, which copies unmasked payloads of
 * up to 1 KiB behind their header so the frame is one write; `wskit-batched` writes the frames one
 * after another into 64 KiB write buffers with `encodeInto()` (payload copied, as in one-buffer),
 * as a transport that batches small frames into one write would.
 */
export function encodeContenders(
  size: number,
  masked: boolean,
): { contenders: Contender[]; messages: number } {
  const messages = encodeMessages(size, masked);
  const data = payload(size);
  const contender = (name: string, encode: () => Uint8Array[]): Contender => ({
    name,
    run: () => {
      let total = 0;
      for (let i = 0; i < messages; i++) {
        for (const part of encode()) total += part.length + part[part.length - 1]!;
      }
      return total;
    },
  });
  const role = masked ? 'client' : 'server';
  const sameOutput = new FrameEncoder({ role, copyThreshold: 0, allocate: WSKIT_ALLOCATE });
  const options: WsFrameOptions = { fin: true, opcode: 0x2, mask: masked, readOnly: true, rsv1: false };
  const contenders = [
    contender('wskit', () => sameOutput.encode(Opcode.Binary, data)),
    contender('ws', () => Sender.frame(data, options)),
  ];
  const defaults = new FrameEncoder({ role, allocate: WSKIT_ALLOCATE });
  if (!masked && size <= ONE_BUFFER_THRESHOLD) {
    contenders.push(contender('wskit-one-buffer', () => defaults.encode(Opcode.Binary, data)));
  }
  if (size <= BATCHED_MAX_SIZE) contenders.push(batchedContender(defaults, data, messages));
  return { contenders, messages };
}

/** Largest payload of the batched rows: batching is for small frames. */
const BATCHED_MAX_SIZE = 1024;

/** Size of one write buffer of the batched rows. */
const BATCH_SIZE = 64 * 1024;

/** `messages` frames of `data` written with `encodeInto()` into fresh 64 KiB write buffers. */
function batchedContender(encoder: FrameEncoder, data: Uint8Array, messages: number): Contender {
  const frameSize = frameHeaderSize(data.length, encoder.masking) + data.length;
  return {
    name: 'wskit-batched',
    run: () => {
      let total = 0;
      let batch = Buffer.allocUnsafe(BATCH_SIZE);
      let at = 0;
      for (let i = 0; i < messages; i++) {
        if (at + frameSize > BATCH_SIZE) {
          batch = Buffer.allocUnsafe(BATCH_SIZE);
          at = 0;
        }
        const end = encoder.encodeInto(batch, at, Opcode.Binary, data);
        total += end - at + batch[end - 1]!;
        at = end;
      }
      return total;
    },
  };
}

/** wskit's default `copyThreshold`. */
const ONE_BUFFER_THRESHOLD = 1024;

/** Payloads from this size on make each sample allocate megabytes. */
const LARGE_PAYLOAD = 1024 * 1024;

/** Runs one decode or encode case. */
export function runCodecCase(
  operation: 'decode' | 'encode',
  size: number,
  masked: boolean,
  budget: Budget,
): CodecCase {
  const { contenders, messages } =
    operation === 'decode' ? decodeContenders(size, masked) : encodeContenders(size, masked);
  // A sample of 1 MiB payloads and up allocates megabytes: collect garbage before each (measure.ts).
  const timings = compare(contenders, budget, size >= LARGE_PAYLOAD);
  return { operation, size, masked, bytesPerSample: messages * size, messagesPerSample: messages, timings };
}

/**
 * The bytes a handle writes to the network, as frames in the engine's order, each tagged with the
 * queue that hands it out: the send queue (the application's `WebSocketSend` operation) or the
 * receive queue (the library's own frames: pongs answering pings, the close reply, the close frame
 * of a failure).
 *
 * The rules that keep the byte stream valid while two queues write to one connection:
 *
 * - One `SEND_TO_NETWORK` action at a time, across both queues, and a frame that has started to go
 *   out is finished before any other frame starts (frames never interleave).
 * - Each queue hands out its own frames in order.
 * - Between the queues, frames may overtake each other (a pong may go before or after a data frame
 *   queued earlier), except that a close frame waits for every data frame queued before it: no data
 *   after a close (RFC 6455 §5.5.1).
 * - A cancelled write (`WebSocketCompleteAction` with fewer bytes than handed out) drops the rest of
 *   its operation. If part of a frame already went out, the stream is broken: every later frame is
 *   dropped.
 */
import { Opcode } from '@wskit/codec';

/** Which queue hands a frame out. */
export type Lane = 'send' | 'receive';

/** A frame waiting to be written. */
export interface OutgoingFrame {
  readonly lane: Lane;
  readonly opcode: number;
  /** The arrays still to hand out, in order. */
  readonly pieces: Uint8Array[];
  /** Hand out one piece per action (a masked copy, cut to the send buffer size). */
  readonly onePieceAtATime: boolean;
  /** Bytes of this frame already written. */
  written: number;
}

/** One `SEND_TO_NETWORK` action: the buffers handed out and their total length. */
export interface WriteAction {
  readonly frame: OutgoingFrame;
  readonly buffers: readonly Uint8Array[];
  readonly length: number;
}

/** The total size of the frame whose header starts `bytes` (RFC 6455 §5.2). */
function frameSize(bytes: Uint8Array): number {
  const second = bytes[1]!;
  let length = second & 0x7f;
  let offset = 2;
  if (length === 126) {
    length = (bytes[2]! << 8) | bytes[3]!;
    offset = 4;
  } else if (length === 127) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + 2, 8);
    length = view.getUint32(0) * 0x1_0000_0000 + view.getUint32(4);
    offset = 10;
  }
  return offset + (second & 0x80 ? 4 : 0) + length;
}

/** Cuts `bytes` into views of at most `size` bytes. */
function cut(bytes: Uint8Array, size: number): Uint8Array[] {
  if (bytes.length <= size) return [bytes];
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  return pieces;
}

/** The frames of one handle waiting for the network. */
export class OutgoingFrames {
  readonly #maskedPieceSize: number;
  #frames: OutgoingFrame[] = [];
  #inFlight: WriteAction | undefined;
  #broken = false;

  /** @param maskedPieceSize the most bytes of a masked frame handed out per action (the send buffer size). */
  constructor(maskedPieceSize: number) {
    this.#maskedPieceSize = maskedPieceSize;
  }

  /** Whether a cancelled write left part of a frame on the network: nothing more can be written. */
  get broken(): boolean {
    return this.#broken;
  }

  /**
   * Adds what the engine returned from `dataToSend()` after one call, for `lane`. Each frame starts
   * an array; a large unmasked payload is a second array after its header (the caller's own bytes).
   */
  add(lane: Lane, arrays: readonly Uint8Array[]): void {
    if (this.#broken) return;
    let index = 0;
    while (index < arrays.length) {
      const first = arrays[index]!;
      const size = frameSize(first);
      const masked = (first[1]! & 0x80) !== 0;
      const parts = [first];
      let total = first.length;
      index++;
      while (total < size && index < arrays.length) {
        total += arrays[index]!.length;
        parts.push(arrays[index++]!);
      }
      const pieces = masked ? parts.flatMap((part) => cut(part, this.#maskedPieceSize)) : parts;
      this.#frames.push({ lane, opcode: first[0]! & 0x0f, pieces, onePieceAtATime: masked, written: 0 });
    }
  }

  /** Whether frames of `lane` are waiting (handed out or not). */
  has(lane: Lane): boolean {
    return this.#frames.some((frame) => frame.lane === lane);
  }

  /**
   * The next write for `lane`, at most `capacity` buffers, or `undefined` when it has none or must
   * wait (another write is in flight, another frame is half written, a close waits for data).
   */
  next(lane: Lane, capacity: number): WriteAction | undefined {
    if (this.#broken || this.#inFlight !== undefined) return undefined;
    let frame = this.#frames.find((candidate) => candidate.written > 0);
    if (frame !== undefined) {
      if (frame.lane !== lane) return undefined;
    } else {
      const index = this.#frames.findIndex((candidate) => candidate.lane === lane);
      if (index < 0) return undefined;
      frame = this.#frames[index]!;
      if (frame.opcode === Opcode.Close) {
        for (let before = 0; before < index; before++) {
          if (this.#frames[before]!.opcode < 0x8) return undefined;
        }
      }
    }
    const count = frame.onePieceAtATime ? 1 : Math.min(capacity, frame.pieces.length);
    const buffers = frame.pieces.slice(0, count);
    let length = 0;
    for (const buffer of buffers) length += buffer.length;
    this.#inFlight = { frame, buffers, length };
    return this.#inFlight;
  }

  /**
   * Completes the write in flight with the bytes the caller wrote. All of them: the frame moves on.
   * Fewer: the write is cancelled (see the module comment). Returns whether it was written whole.
   */
  complete(action: WriteAction, bytesWritten: number): boolean {
    this.#inFlight = undefined;
    const frame = action.frame;
    if (!this.#frames.includes(frame)) return false; // dropped meanwhile (abort)
    if (bytesWritten === action.length) {
      frame.pieces.splice(0, action.buffers.length);
      frame.written += bytesWritten;
      if (frame.pieces.length === 0) this.#frames.splice(this.#frames.indexOf(frame), 1);
      return true;
    }
    if (frame.written + bytesWritten > 0) {
      this.#broken = true;
      this.#frames = [];
    } else if (frame.lane === 'send') {
      this.#frames = this.#frames.filter((other) => other.lane !== 'send');
    } else {
      this.#frames.splice(this.#frames.indexOf(frame), 1);
    }
    return false;
  }

  /** Drops every frame not yet handed out (abort); a write in flight still has to be completed. */
  clear(): void {
    this.#frames = [];
  }
}

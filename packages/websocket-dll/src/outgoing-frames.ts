/**
 * The bytes a handle writes to the network, as frames in the engine's order, each tagged with the
 * queue that hands it out: the send queue (the application's `WebSocketSend` operation) or the
 * receive queue (the library's own frames: the pongs answering pings, the close frame of a failure).
 *
 * The rules that keep the byte stream valid while two queues write to one connection:
 *
 * - One `SEND_TO_NETWORK` action at a time, across both queues. An action hands out whole frames
 *   (a header and its payload, when the caller's capacity allows both buffers), so between two
 *   actions a frame is never half written, and a pong can go between two frames of a long send
 *   (a client's masked send is cut into frames of at most the send buffer size: see `send.ts`).
 *   When the capacity is one buffer, a frame that started to go out is finished before any other
 *   frame starts (frames never interleave).
 * - Each queue hands out its own frames in order.
 * - The library's own frames go first: while one is ready, the send queue hands out nothing
 *   (`NO_ACTION`, as websocket.dll does when a send waits behind the receive queue's pong), so an
 *   automatic pong is never stuck behind a long send (W30).
 * - A close frame waits for every data frame queued before it: no data after a close
 *   (RFC 6455 §5.5.1).
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

/** The frames of one handle waiting for the network. */
export class OutgoingFrames {
  #frames: OutgoingFrame[] = [];
  #inFlight: WriteAction | undefined;
  #broken = false;

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
      const pieces = [first];
      let total = first.length;
      index++;
      while (total < size && index < arrays.length) {
        total += arrays[index]!.length;
        pieces.push(arrays[index++]!);
      }
      this.#frames.push({ lane, opcode: first[0]! & 0x0f, pieces, written: 0 });
    }
  }

  /** Whether frames of `lane` are waiting (handed out or not). */
  has(lane: Lane): boolean {
    return this.#frames.some((frame) => frame.lane === lane);
  }

  /**
   * The next write for `lane`, at most `capacity` buffers, or `undefined` when it has none or must
   * wait (another write is in flight, another frame is half written, a close waits for data, the
   * send queue waits for the library's own frame).
   */
  next(lane: Lane, capacity: number): WriteAction | undefined {
    if (this.#broken || this.#inFlight !== undefined) return undefined;
    let frame = this.#frames.find((candidate) => candidate.written > 0);
    if (frame !== undefined) {
      if (frame.lane !== lane) return undefined;
    } else {
      frame = this.#ready(lane);
      if (frame === undefined) return undefined;
      if (lane === 'send' && this.#ready('receive') !== undefined) return undefined;
    }
    const buffers = frame.pieces.slice(0, Math.min(capacity, frame.pieces.length));
    let length = 0;
    for (const buffer of buffers) length += buffer.length;
    this.#inFlight = { frame, buffers, length };
    return this.#inFlight;
  }

  /** The first frame of `lane`, unless it is a close that waits for a data frame queued before it. */
  #ready(lane: Lane): OutgoingFrame | undefined {
    const index = this.#frames.findIndex((candidate) => candidate.lane === lane);
    if (index < 0) return undefined;
    const frame = this.#frames[index]!;
    if (frame.opcode === Opcode.Close) {
      for (let before = 0; before < index; before++) {
        if (this.#frames[before]!.opcode < 0x8) return undefined;
      }
    }
    return frame;
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

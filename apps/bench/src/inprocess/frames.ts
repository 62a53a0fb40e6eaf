/**
 * Frames as a peer sends them, for the in-process benchmarks: made by the codec's own encoder, so
 * that what the benchmarks feed the decoder is what a client or server of this stack would send.
 */
import { FrameEncoder, Opcode } from '@wskit/codec';

/**
 * One binary frame carrying `payload`, in one array: masked (with a fresh random key) when it comes
 * from a client, plain from a server.
 */
export function binaryFrame(payload: Uint8Array, from: 'client' | 'server'): Uint8Array {
  const parts = new FrameEncoder({ role: from }).encode(Opcode.Binary, payload);
  let length = 0;
  for (const part of parts) length += part.length;
  const frame = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    frame.set(part, at);
    at += part.length;
  }
  return frame;
}

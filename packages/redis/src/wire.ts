import type { BrokerMessage } from '@wskit/transport';

/**
 * How a message travels through Redis (a pub/sub payload, a stream entry's `m` field): one byte
 * for the type (0 text, 1 binary; +2 when it must not be compressed), the publishing socket's id (4 bytes, big-endian), the origin's
 * length (1 byte) and UTF-8 bytes, then the data.
 */
const TEXT = 0;
const BINARY = 1;
const NO_COMPRESS = 2;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** The bytes of `message` for Redis. */
export function encodeMessage(message: BrokerMessage): Buffer {
  const origin = textEncoder.encode(message.origin);
  if (origin.length > 255) throw new RangeError('@wskit/redis: a hub id is at most 255 bytes');
  const data = typeof message.data === 'string' ? textEncoder.encode(message.data) : message.data;
  const bytes = Buffer.allocUnsafe(6 + origin.length + data.length);
  bytes[0] =
    (typeof message.data === 'string' ? TEXT : BINARY) | (message.compress === false ? NO_COMPRESS : 0);
  bytes.writeUInt32BE(message.except >>> 0, 1);
  bytes[5] = origin.length;
  bytes.set(origin, 6);
  bytes.set(data, 6 + origin.length);
  return bytes;
}

/**
 * The message in `bytes` (from Redis), or `undefined` when they are not one: another writer's
 * data on our channel or stream is skipped, never trusted.
 */
export function decodeMessage(topic: string, bytes: Uint8Array, offset?: string): BrokerMessage | undefined {
  const flags = bytes[0]!;
  if (bytes.length < 6 || flags > (BINARY | NO_COMPRESS)) return undefined;
  const type = flags & BINARY;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const originLength = bytes[5]!;
  if (bytes.length < 6 + originLength) return undefined;
  const origin = textDecoder.decode(bytes.subarray(6, 6 + originLength));
  const body = bytes.subarray(6 + originLength);
  let data: string | Uint8Array;
  if (type === TEXT) {
    try {
      data = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return undefined;
    }
  } else {
    data = new Uint8Array(body);
  }
  const except = view.getUint32(1);
  return (flags & NO_COMPRESS) !== 0
    ? { topic, data, origin, except, offset, compress: false }
    : { topic, data, origin, except, offset };
}

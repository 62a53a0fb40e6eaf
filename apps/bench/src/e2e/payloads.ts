/**
 * The payloads of the end-to-end runs, the same bytes in every process and runtime: binary
 * payloads of pseudo-random bytes, and (for the compressed scenarios) JSON-like ASCII text that
 * compresses as real API traffic does (repeated keys, varying values), not as a run of one byte.
 */

/** A deterministic generator (xorshift32), so every process builds the same payload. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** `size` pseudo-random bytes. */
export function binaryPayload(size: number): Uint8Array {
  const random = generator(0x9e3779b9);
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = Math.floor(random() * 256);
  return bytes;
}

const NAMES = ['ada', 'grace', 'linus', 'margaret', 'ken', 'barbara', 'dennis', 'frances'];
const TAGS = ['admin', 'beta', 'eu-west', 'us-east', 'mobile', 'desktop', 'trial', 'paid'];

/** JSON-like ASCII text of exactly `size` bytes: an array of user records, cut and padded to size. */
export function textPayload(size: number): string {
  const random = generator(0x85ebca6b);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const records: string[] = [];
  let length = 1;
  while (length < size) {
    const id = Math.floor(random() * 1_000_000);
    const record = JSON.stringify({
      id,
      name: `${pick(NAMES)}-${id % 997}`,
      active: random() < 0.5,
      score: Math.round(random() * 10_000) / 100,
      tags: [pick(TAGS), pick(TAGS)],
      updatedAt: new Date(1_700_000_000_000 + Math.floor(random() * 3e10)).toISOString(),
    });
    records.push(record);
    length += record.length + 1;
  }
  const text = `[${records.join(',')}]`;
  return text.length >= size ? text.slice(0, size) : text.padEnd(size, ' ');
}

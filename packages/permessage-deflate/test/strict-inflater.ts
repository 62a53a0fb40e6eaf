/**
 * A small raw DEFLATE decoder (RFC 1951) for tests, independent of zlib: it decodes permessage-deflate
 * messages one after the other (keeping the history between them unless told to forget it) and
 * records the longest back-reference distance, to check that a compressor keeps to the negotiated
 * window. A reference to before the history is an error, so a sender that takes over a context it
 * promised to reset is caught too. Slow (bit by bit): for test-sized messages only.
 */

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Huffman {
  counts: number[];
  symbols: number[];
}

function buildHuffman(lengths: readonly number[]): Huffman {
  const counts = new Array<number>(16).fill(0);
  for (const length of lengths) counts[length]!++;
  counts[0] = 0;
  const offsets = new Array<number>(16).fill(0);
  for (let length = 1; length < 15; length++) offsets[length + 1] = offsets[length]! + counts[length]!;
  const symbols = new Array<number>(lengths.length).fill(0);
  lengths.forEach((length, symbol) => {
    if (length !== 0) symbols[offsets[length]!++] = symbol;
  });
  return { counts, symbols };
}

const FIXED_LITERALS = buildHuffman([
  ...new Array<number>(144).fill(8),
  ...new Array<number>(112).fill(9),
  ...new Array<number>(24).fill(7),
  ...new Array<number>(8).fill(8),
]);
const FIXED_DISTANCES = buildHuffman(new Array<number>(30).fill(5));

class BitReader {
  #position = 0;
  #bitBuffer = 0;
  #bitCount = 0;
  constructor(readonly bytes: Uint8Array) {}

  get atEnd(): boolean {
    return this.#position >= this.bytes.length && this.#bitCount === 0;
  }

  bits(count: number): number {
    let value = this.#bitBuffer;
    while (this.#bitCount < count) {
      if (this.#position >= this.bytes.length) throw new Error('strict inflater: out of input');
      value |= this.bytes[this.#position++]! << this.#bitCount;
      this.#bitCount += 8;
    }
    this.#bitBuffer = value >>> count;
    this.#bitCount -= count;
    return value & ((1 << count) - 1);
  }

  alignToByte(): void {
    this.#bitBuffer = 0;
    this.#bitCount = 0;
  }

  byte(): number {
    if (this.#position >= this.bytes.length) throw new Error('strict inflater: out of input');
    return this.bytes[this.#position++]!;
  }

  decode(huffman: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let length = 1; length <= 15; length++) {
      code |= this.bits(1);
      const count = huffman.counts[length]!;
      if (code - count < first) return huffman.symbols[index + (code - first)]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Error('strict inflater: invalid Huffman code');
  }
}

export class StrictInflater {
  /** The longest distance any back-reference used so far. */
  maxDistance = 0;
  #history: number[] = [];

  /** Forgets the history (the sender promised no context takeover). */
  forget(): void {
    this.#history = [];
  }

  /** Decodes one message's payload (the trailer `00 00 ff ff` is appended here). */
  inflate(payload: Uint8Array): Uint8Array {
    const input = new Uint8Array(payload.length + 4);
    input.set(payload);
    input.set([0x00, 0x00, 0xff, 0xff], payload.length);
    const reader = new BitReader(input);
    const start = this.#history.length;
    const out = this.#history;
    for (;;) {
      const final = reader.bits(1);
      const type = reader.bits(2);
      if (type === 0) {
        reader.alignToByte();
        const length = reader.byte() | (reader.byte() << 8);
        const complement = reader.byte() | (reader.byte() << 8);
        if ((length ^ 0xffff) !== complement) throw new Error('strict inflater: bad stored block length');
        for (let i = 0; i < length; i++) out.push(reader.byte());
      } else if (type === 1) {
        this.#codes(reader, FIXED_LITERALS, FIXED_DISTANCES);
      } else if (type === 2) {
        const [literals, distances] = this.#dynamicTables(reader);
        this.#codes(reader, literals, distances);
      } else {
        throw new Error('strict inflater: invalid block type');
      }
      if (final === 1 || reader.atEnd) break;
    }
    return Uint8Array.from(out.slice(start));
  }

  #dynamicTables(reader: BitReader): [Huffman, Huffman] {
    const literalCount = reader.bits(5) + 257;
    const distanceCount = reader.bits(5) + 1;
    const codeLengthCount = reader.bits(4) + 4;
    const codeLengths = new Array<number>(19).fill(0);
    for (let i = 0; i < codeLengthCount; i++) codeLengths[CODE_LENGTH_ORDER[i]!] = reader.bits(3);
    const lengthCode = buildHuffman(codeLengths);
    const lengths: number[] = [];
    while (lengths.length < literalCount + distanceCount) {
      const symbol = reader.decode(lengthCode);
      if (symbol < 16) lengths.push(symbol);
      else if (symbol === 16) {
        const previous = lengths.at(-1);
        if (previous === undefined) throw new Error('strict inflater: repeat with no previous length');
        for (let n = 3 + reader.bits(2); n > 0; n--) lengths.push(previous);
      } else if (symbol === 17) for (let n = 3 + reader.bits(3); n > 0; n--) lengths.push(0);
      else for (let n = 11 + reader.bits(7); n > 0; n--) lengths.push(0);
    }
    return [buildHuffman(lengths.slice(0, literalCount)), buildHuffman(lengths.slice(literalCount))];
  }

  #codes(reader: BitReader, literals: Huffman, distances: Huffman): void {
    const out = this.#history;
    for (;;) {
      const symbol = reader.decode(literals);
      if (symbol < 256) {
        out.push(symbol);
        continue;
      }
      if (symbol === 256) return;
      const index = symbol - 257;
      if (index >= 29) throw new Error('strict inflater: invalid length symbol');
      const length = LENGTH_BASE[index]! + reader.bits(LENGTH_EXTRA[index]!);
      const distanceSymbol = reader.decode(distances);
      if (distanceSymbol >= 30) throw new Error('strict inflater: invalid distance symbol');
      const distance = DISTANCE_BASE[distanceSymbol]! + reader.bits(DISTANCE_EXTRA[distanceSymbol]!);
      if (distance > out.length) throw new Error(`strict inflater: distance ${distance} before the history`);
      this.maxDistance = Math.max(this.maxDistance, distance);
      for (let i = 0; i < length; i++) out.push(out[out.length - distance]!);
    }
  }
}

/**
 * Property tests (fast-check): random messages, fragmented at random with control frames between
 * the fragments, encoded by one role and decoded by the other under arbitrary chunking (down to one
 * byte at a time) give the same events; random bytes never make write() throw.
 */
import {
  CodecError,
  encodeClosePayload,
  FrameEncoder,
  isCodecError,
  MaskKeyPool,
  type MessageDecoderOptions,
  Opcode,
  type RandomSource,
  type Role,
  Rsv,
  textDecoderUtf8Check,
} from '@wskit/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytewise,
  concat,
  type DecodedEvent,
  decode,
  fromHex,
  mergePieces,
  seededRandom,
  splitAt,
  toHex,
  utf8,
} from './helpers.js';

interface Control {
  opcode: typeof Opcode.Ping | typeof Opcode.Pong;
  payload: Uint8Array;
}

interface Message {
  type: 'text' | 'binary';
  text: string;
  payload: Uint8Array;
  /** Cut points into the payload (sorted, may repeat: repeats make empty frames). */
  cuts: number[];
  /** Control frames before each fragment after the first (index i: before fragment i + 1). */
  controls: Control[][];
  /** Sent with RSV1 on its first frame, as a negotiated extension would (reported still encoded). */
  extension: boolean;
}

interface Stream {
  /** Control frames and messages in order. */
  items: (Message | Control)[];
  close: { code: number; reason: string } | undefined;
  /** Bytes after the close frame, which the decoder must ignore. */
  trailing: Uint8Array;
}

const control: fc.Arbitrary<Control> = fc.record({
  opcode: fc.constantFrom(Opcode.Ping, Opcode.Pong),
  payload: fc.uint8Array({ maxLength: 125 }),
});

const message: fc.Arbitrary<Message> = fc
  .oneof(
    fc
      .string({ unit: 'binary', maxLength: 80 })
      .map((text) => ({ type: 'text' as const, text, payload: utf8.encode(text) })),
    fc.uint8Array({ maxLength: 400 }).map((payload) => ({ type: 'binary' as const, text: '', payload })),
  )
  .chain((base) =>
    fc.array(fc.nat(base.payload.length), { maxLength: 5 }).chain((cuts) =>
      fc
        .tuple(
          fc.array(fc.array(control, { maxLength: 2 }), { minLength: cuts.length, maxLength: cuts.length }),
          fc.nat(3).map((n) => n === 0), // a quarter of the messages
        )
        .map(([controls, extension]) => ({
          ...base,
          cuts: [...cuts].sort((a, b) => a - b),
          controls,
          extension,
        })),
    ),
  );

const closeCode = fc.oneof(
  fc.constantFrom(1000, 1001, 1002, 1003, 1007, 1011, 1014),
  fc.integer({ min: 3000, max: 4999 }),
);

const stream: fc.Arbitrary<Stream> = fc.record({
  items: fc.array(fc.oneof({ weight: 3, arbitrary: message }, { weight: 1, arbitrary: control }), {
    maxLength: 6,
  }),
  close: fc.option(fc.record({ code: closeCode, reason: fc.string({ unit: 'binary', maxLength: 25 }) }), {
    nil: undefined,
  }),
  trailing: fc.uint8Array({ maxLength: 20 }),
});

/** The fragments of a message: the payload cut at its (possibly repeated) cut points. */
function fragments(message: Message): Uint8Array[] {
  const points = [0, ...message.cuts, message.payload.length];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < points.length; i++) out.push(message.payload.subarray(points[i], points[i + 1]));
  return out;
}

function randomSource(seed: number): RandomSource {
  const next = seededRandom(seed);
  return (array) => {
    const limit = array instanceof Uint32Array ? 2 ** 32 : 256;
    for (let i = 0; i < array.length; i++) array[i] = Math.floor(next() * limit);
    return array;
  };
}

/** Encodes the stream as `role` would send it. */
function encodeStream(value: Stream, role: Role, seed: number): Uint8Array {
  const encoder = new FrameEncoder({
    role,
    maskKeys: new MaskKeyPool(8, randomSource(seed)),
    copyThreshold: 64,
  });
  const parts: Uint8Array[] = [];
  for (const item of value.items) {
    if ('type' in item) {
      const pieces = fragments(item);
      for (let i = 0; i < pieces.length; i++) {
        if (i > 0) for (const c of item.controls[i - 1]!) parts.push(...encoder.encode(c.opcode, c.payload));
        const opcode = i > 0 ? Opcode.Continuation : item.type === 'text' ? Opcode.Text : Opcode.Binary;
        const rsv = i === 0 && item.extension ? Rsv.Rsv1 : 0;
        parts.push(...encoder.encode(opcode, pieces[i]!, { fin: i === pieces.length - 1, rsv }));
      }
    } else {
      parts.push(...encoder.encode(item.opcode, item.payload));
    }
  }
  if (value.close !== undefined) {
    parts.push(...encoder.encode(Opcode.Close, encodeClosePayload(value.close.code, value.close.reason)));
    parts.push(value.trailing);
  }
  return concat(parts);
}

/** The events a decoder must report for the stream (pieces already merged for `pieces`). */
function expectedEvents(value: Stream, delivery: 'whole' | 'pieces'): DecodedEvent[] {
  const events: DecodedEvent[] = [];
  const controlEvent = (c: Control): DecodedEvent => ({
    event: c.opcode === Opcode.Ping ? 'ping' : 'pong',
    data: toHex(c.payload),
  });
  for (const item of value.items) {
    if (!('type' in item)) {
      events.push(controlEvent(item));
      continue;
    }
    const pieces = fragments(item);
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0) for (const c of item.controls[i - 1]!) events.push(controlEvent(c));
      const final = i === pieces.length - 1;
      if (delivery === 'pieces' && !item.extension && (pieces[i]!.length > 0 || final)) {
        events.push({ event: 'piece', type: item.type, data: toHex(pieces[i]!), final });
      }
    }
    if (item.extension) {
      events.push({ event: 'extension', type: item.type, data: toHex(item.payload), rsv: Rsv.Rsv1 });
    } else if (delivery === 'whole') {
      events.push(
        item.type === 'text'
          ? { event: 'text', text: item.text }
          : { event: 'binary', data: toHex(item.payload) },
      );
    }
  }
  if (value.close !== undefined)
    events.push({ event: 'close', code: value.close.code, reason: value.close.reason });
  return delivery === 'pieces' ? mergePieces(events) : events;
}

const opposite = (role: Role): Role => (role === 'client' ? 'server' : 'client');

/** An `allocate` that hands out memory full of garbage, as `Buffer.allocUnsafe` may. */
const dirtyAllocate = (length: number): Uint8Array => new Uint8Array(length).fill(0xa5);

describe('property: encode then decode under arbitrary chunking', () => {
  for (const senderRole of ['client', 'server'] as const) {
    it(`${senderRole} → ${opposite(senderRole)}: identical events however the bytes are chunked`, () => {
      fc.assert(
        fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), fc.nat(), (value, rawCuts, seed) => {
          const bytes = encodeStream(value, senderRole, seed);
          const cuts = rawCuts.map((cut) => cut % (bytes.length + 1));
          for (const delivery of ['whole', 'pieces'] as const) {
            const options: MessageDecoderOptions = {
              role: opposite(senderRole),
              delivery,
              allowedRsv: Rsv.Rsv1,
            };
            const expected = expectedEvents(value, delivery);
            const normalize = (events: DecodedEvent[]) =>
              delivery === 'pieces' ? mergePieces(events) : events;
            const oneChunk = decode([bytes.slice()], options);
            expect(oneChunk.error).toBeUndefined();
            expect(normalize(oneChunk.events)).toEqual(expected);
            const chunked = decode(splitAt(bytes, cuts), options);
            expect(chunked.error).toBeUndefined();
            expect(normalize(chunked.events)).toEqual(expected);
            // Memory from `allocate` is not zeroed: every byte of a joined message must be written.
            const dirty = decode(splitAt(bytes, cuts), { ...options, allocate: dirtyAllocate });
            expect(dirty.error).toBeUndefined();
            expect(normalize(dirty.events)).toEqual(expected);
            // With a fast check whole text is joined as bytes, validated and decoded once: the same.
            const joined = decode(splitAt(bytes, cuts), {
              ...options,
              allocate: dirtyAllocate,
              utf8Check: textDecoderUtf8Check,
            });
            expect(joined.error).toBeUndefined();
            expect(normalize(joined.events)).toEqual(expected);
          }
        }),
        { numRuns: 120 },
      );
    });

    it(`${senderRole} → ${opposite(senderRole)}: identical events one byte at a time`, () => {
      fc.assert(
        fc.property(stream, fc.nat(), (value, seed) => {
          const bytes = encodeStream(value, senderRole, seed);
          for (const delivery of ['whole', 'pieces'] as const) {
            const result = decode(bytewise(bytes), {
              role: opposite(senderRole),
              delivery,
              allowedRsv: Rsv.Rsv1,
              allocate: dirtyAllocate,
            });
            expect(result.error).toBeUndefined();
            expect(delivery === 'pieces' ? mergePieces(result.events) : result.events).toEqual(
              expectedEvents(value, delivery),
            );
          }
        }),
        { numRuns: 40 },
      );
    });
  }

  it('large messages (16- and 64-bit lengths) under arbitrary chunking', () => {
    const big = new Uint8Array(70_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
    fc.assert(
      fc.property(
        fc.constantFrom<Role>('client', 'server'),
        fc.array(fc.nat(70_000), { maxLength: 3 }),
        fc.array(fc.nat(70_100), { maxLength: 20 }),
        fc.nat(),
        (senderRole, messageCuts, chunkCuts, seed) => {
          const value: Stream = {
            items: [
              {
                type: 'binary',
                text: '',
                payload: big,
                cuts: [...messageCuts].sort((a, b) => a - b),
                controls: messageCuts.map(() => [{ opcode: Opcode.Ping, payload: fromHex('0102') }]),
                extension: false,
              },
            ],
            close: undefined,
            trailing: new Uint8Array(0),
          };
          const bytes = encodeStream(value, senderRole, seed);
          for (const delivery of ['whole', 'pieces'] as const) {
            const result = decode(splitAt(bytes, chunkCuts), {
              role: opposite(senderRole),
              delivery,
              allocate: dirtyAllocate,
            });
            expect(result.error).toBeUndefined();
            expect(delivery === 'pieces' ? mergePieces(result.events) : result.events).toEqual(
              expectedEvents(value, delivery),
            );
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});

/** A frame-shaped run of bytes with random fields, to reach deep decoder states; or plain noise. */
const frameish: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .record({
      first: fc.integer({ min: 0, max: 255 }),
      masked: fc.boolean(),
      payload: fc.uint8Array({ maxLength: 140 }),
      lengthForm: fc.constantFrom('7', '16', '64', 'lie'),
      declared: fc.nat(300),
    })
    .map(({ first, masked, payload, lengthForm, declared }) => {
      const length = lengthForm === 'lie' ? declared : payload.length;
      const header: number[] = [first];
      const maskBit = masked ? 0x80 : 0;
      if (lengthForm === '16') header.push(maskBit | 126, length >>> 8, length & 0xff);
      else if (lengthForm === '64') header.push(maskBit | 127, 0, 0, 0, 0, 0, 0, length >>> 8, length & 0xff);
      else header.push(maskBit | Math.min(length, 127));
      if (masked) header.push(0x12, 0x34, 0x56, 0x78);
      return concat([new Uint8Array(header), payload]);
    }),
  fc.uint8Array({ maxLength: 64 }),
);

const garbageStream = fc.array(frameish, { maxLength: 8 }).map((parts) => concat(parts));

describe('property: random bytes never throw', () => {
  const optionSets: MessageDecoderOptions[] = [
    { role: 'client' },
    { role: 'server' },
    { role: 'client', delivery: 'pieces' },
    { role: 'server', delivery: 'pieces', allowedRsv: 0x40 },
    { role: 'server', enforceMasking: false, maxFrameSize: 100, maxMessageSize: 200, maxFragments: 3 },
    { role: 'client', enforceMasking: false, validateUtf8: false, allowedRsv: 0x70 },
  ];

  it('write() returns undefined or a CodecError, for both roles and every option set', () => {
    fc.assert(
      fc.property(
        fc.oneof(garbageStream, fc.uint8Array({ maxLength: 400 })),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom(...optionSets),
        (bytes, rawCuts, options) => {
          const cuts = rawCuts.map((cut) => cut % (bytes.length + 1));
          for (const chunks of [[bytes.slice()], splitAt(bytes, cuts)]) {
            let result: ReturnType<typeof decode> | undefined;
            expect(() => {
              result = decode(chunks, options);
            }).not.toThrow();
            const error = result!.error;
            if (error !== undefined) {
              expect(error).toBeInstanceOf(CodecError);
              expect(isCodecError(error)).toBe(true);
              expect([1002, 1007, 1009]).toContain(error.closeCode);
              // Failed for good: more bytes return the same error.
              expect(result!.decoder.write(new Uint8Array([0x81, 0x00]))).toBe(error);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the same error comes back however the garbage is chunked', () => {
    fc.assert(
      fc.property(
        garbageStream,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom(...optionSets),
        (bytes, rawCuts, options) => {
          const cuts = rawCuts.map((cut) => cut % (bytes.length + 1));
          const whole = decode([bytes.slice()], options);
          const chunked = decode(splitAt(bytes, cuts), options);
          expect(chunked.error?.code).toBe(whole.error?.code);
          // Whole delivery reports nothing of a message cut short by an error, so its events do not
          // depend on chunking either (pieces delivery may report part of a frame before the error).
          if (options.delivery !== 'pieces') expect(chunked.events).toEqual(whole.events);
        },
      ),
      { numRuns: 300 },
    );
  });
});

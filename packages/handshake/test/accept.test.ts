/// <reference types="node" />
import { createHash, randomBytes } from 'node:crypto';
import {
  computeAccept,
  decodeBase64,
  encodeBase64,
  generateKey,
  isValidKey,
  sha1,
  WEBSOCKET_GUID,
} from '@wskit/handshake';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, fixedRandom, SAMPLE_NONCE } from './helpers.js';

const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');

describe('sha1', () => {
  it('matches the FIPS 180 examples', () => {
    expect(hex(sha1(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(hex(sha1(bytes('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(sha1(bytes('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
  });

  it('matches node:crypto at every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const data = randomBytes(length);
      expect(hex(sha1(data))).toBe(createHash('sha1').update(data).digest('hex'));
    }
  });

  it('matches node:crypto on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        expect(hex(sha1(data))).toBe(createHash('sha1').update(data).digest('hex'));
      }),
      { numRuns: 200 },
    );
  });

  it('hashes a view without reading outside it', () => {
    const buffer = bytes('xxabcxx');
    expect(hex(sha1(buffer.subarray(2, 5)))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});

describe('base64', () => {
  it('encodes the RFC 4648 §10 vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(encodeBase64(bytes(plain))).toBe(encoded);
      expect(decodeBase64(encoded)).toEqual(bytes(plain));
    }
  });

  it('agrees with Buffer both ways', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const encoded = encodeBase64(data);
        expect(encoded).toBe(Buffer.from(data).toString('base64'));
        expect(decodeBase64(encoded)).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes strictly', () => {
    for (const text of [
      'Zg', // no padding
      'Zg=', // short padding
      'Zh==', // non-zero bits under the padding
      'Zm9=', // non-zero bits under the padding
      'Z===', // too much padding
      '=Zg=',
      'Zg==Zg==', // padding in the middle
      'Zm9v\n',
      ' Zm9v',
      'Zm-v', // URL-safe alphabet
      'Zm_v',
      'Zm9vYmFy\u00e9===',
      'Zm\u0000v',
    ]) {
      expect(decodeBase64(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});

describe('Sec-WebSocket-Key and Sec-WebSocket-Accept', () => {
  it('computes the RFC 6455 §1.3 example', () => {
    expect(computeAccept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('matches node:crypto for random keys', () => {
    for (let i = 0; i < 100; i++) {
      const key = randomBytes(16).toString('base64');
      const expected = createHash('sha1')
        .update(key + WEBSOCKET_GUID)
        .digest('base64');
      expect(computeAccept(key)).toBe(expected);
    }
  });

  it('generates 16-byte base64 keys from the injected random source', () => {
    expect(generateKey(fixedRandom(SAMPLE_NONCE))).toBe('dGhlIHNhbXBsZSBub25jZQ==');
    const key = generateKey();
    expect(key).toHaveLength(24);
    expect(isValidKey(key)).toBe(true);
    expect(generateKey()).not.toBe(key);
  });

  it('accepts only keys that decode to exactly 16 bytes', () => {
    expect(isValidKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe(true);
    expect(isValidKey(Buffer.alloc(15).toString('base64'))).toBe(false);
    expect(isValidKey(Buffer.alloc(17).toString('base64'))).toBe(false);
    expect(isValidKey('dGhlIHNhbXBsZSBub25jZR==')).toBe(false); // non-canonical
    expect(isValidKey('not base64 at all!!!!!!')).toBe(false);
    expect(isValidKey('')).toBe(false);
  });

  it('says of any 24 chars what decoding them says: 16 bytes of canonical base64', () => {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \u00e9';
    const nearKeys = fc
      .uint8Array({ minLength: 16, maxLength: 16 })
      .chain((bytes) =>
        fc.tuple(fc.constant(Buffer.from(bytes).toString('base64')), fc.nat(23), fc.constantFrom(...chars)),
      )
      .map(([key, at, char]) => key.slice(0, at) + char + key.slice(at + 1));
    const anyChars = fc
      .array(fc.constantFrom(...chars), { minLength: 24, maxLength: 24 })
      .map((list) => list.join(''));
    fc.assert(
      fc.property(fc.oneof(nearKeys, anyChars), (key) => {
        expect(isValidKey(key)).toBe(decodeBase64(key)?.length === 16);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses a non-ASCII key as misuse', () => {
    expect(() => computeAccept('clé')).toThrow(TypeError);
  });
});

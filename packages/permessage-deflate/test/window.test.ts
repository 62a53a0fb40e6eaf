/**
 * The compressor keeps to the negotiated window exactly: no back-reference is longer than
 * `2^windowBits` (checked by an independent decoder), references as long as the window allows are
 * used, and context is taken over between messages only when that was agreed.
 */
import type { ExtensionParam } from '@wskit/handshake';
import { perMessageDeflate } from '@wskit/permessage-deflate';
import type { ConnectionExtension, ExtensionContext, ExtensionMessage } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { random } from './data.js';
import { StrictInflater } from './strict-inflater.js';

function noise(length: number, seed: number): Uint8Array {
  const next = random(seed);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

function twice(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(block.length * 2);
  out.set(block);
  out.set(block, block.length);
  return out;
}

async function encode(extension: ConnectionExtension, data: Uint8Array, role: 'client' | 'server') {
  const context: ExtensionContext = { role, maxMessageSize: 1 << 24 };
  const message: ExtensionMessage = { type: 'binary', data, rsv: 0 };
  return await extension.encodeMessage!(message, context);
}

const CASES: [role: 'client' | 'server', windowBits: number, takeover: string][] = [];
for (const role of ['server', 'client'] as const) {
  for (let windowBits = 8; windowBits <= 15; windowBits++) {
    for (const takeover of ['context takeover', 'no context takeover'])
      CASES.push([role, windowBits, takeover]);
  }
}

describe('the negotiated window, exactly', () => {
  it.each(CASES)('%s, %i bits, %s', async (role, windowBits, takeover) => {
    const noContextTakeover = takeover === 'no context takeover';
    const window = 2 ** windowBits;
    const agreed: ExtensionParam[] = [[`${role}_max_window_bits`, String(windowBits)]];
    if (noContextTakeover) agreed.push([`${role}_no_context_takeover`, true]);
    const extension = perMessageDeflate({ threshold: 0 }).createExtension(agreed, role);
    const inflater = new StrictInflater();
    // 1: a random block twice, one window plus 64 bytes apart: out of reach, so no match may use it.
    // 2: a random block twice, as far apart as zlib reaches in this window (its MAX_DIST is the
    //    window minus 262 bytes; for 8 bits it deflates with 9, whose reach is 250 bytes).
    // 3: that block again on its own: with context takeover it refers back into message 2.
    const far = twice(noise(window + 64, windowBits));
    const reach = Math.max(2 ** windowBits, 512) - 262 - 6;
    const near = noise(reach, windowBits + 100);
    const messages = [far, twice(near), near];
    const sizes: number[] = [];
    for (const data of messages) {
      const encoded = await encode(extension, data, role);
      if (noContextTakeover) inflater.forget();
      if ((encoded.rsv & 0x40) === 0) {
        // Sent as it is (compression did not pay and the context is reset anyway).
        expect(noContextTakeover).toBe(true);
        expect(encoded.data).toBe(data);
        sizes.push(data.length);
        continue;
      }
      expect(inflater.inflate(encoded.data)).toEqual(data);
      sizes.push(encoded.data.length);
    }
    expect(inflater.maxDistance).toBeLessThanOrEqual(window);
    expect(inflater.maxDistance).toBeGreaterThanOrEqual(reach);
    // Message 2 is half its size; message 3 is a few bytes with context takeover, and incompressible
    // without (the decoder forgot the history: a reference into it would have thrown).
    expect(sizes[1]).toBeLessThan(reach * 1.2);
    if (noContextTakeover) expect(sizes[2]).toBeGreaterThanOrEqual(reach);
    else expect(sizes[2]).toBeLessThan(20 + reach / 50); // matches of at most 258 bytes, ~2 bytes each
    extension.dispose?.();
  });
});

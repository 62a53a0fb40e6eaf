import { FrameEncoder, MessageDecoder, Opcode } from '@wskit/codec';
import { describe, expect, it } from 'vitest';

describe('smoke', () => {
  it('round-trips a masked text frame', () => {
    const encoder = new FrameEncoder({ role: 'client' });
    const texts: string[] = [];
    const decoder = new MessageDecoder(
      {
        onText: (t) => texts.push(t),
        onBinary() {},
        onPiece() {},
        onExtensionMessage() {},
        onPing() {},
        onPong() {},
        onClose() {},
      },
      { role: 'server' },
    );
    for (const part of encoder.encodeText('Hello')) expect(decoder.write(part)).toBeUndefined();
    expect(texts).toEqual(['Hello']);
    expect(Opcode.Text).toBe(1);
  });
});

/**
 * The public surface of @wskit/permessage-deflate: this list changes only on purpose
 * (docs/contributing.md).
 */
import * as deflate from '@wskit/permessage-deflate';
import { describe, expect, it } from 'vitest';

describe('@wskit/permessage-deflate exports', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(deflate).sort()).toEqual([
      'DefaultDeflateOptions',
      'PERMESSAGE_DEFLATE',
      'clientPerMessageDeflate',
      'perMessageDeflate',
      'serverPerMessageDeflate',
    ]);
  });

  it('has the documented defaults', () => {
    expect(deflate.DefaultDeflateOptions).toEqual({
      threshold: 1024,
      concurrencyLimit: 10,
      level: 6,
      memoryLevel: 8,
    });
    expect(deflate.PERMESSAGE_DEFLATE).toBe('permessage-deflate');
  });

  it('a negotiator has the handshake and engine methods', () => {
    const negotiator = deflate.perMessageDeflate();
    expect(negotiator.name).toBe('permessage-deflate');
    for (const method of ['offer', 'validateResponse', 'accept', 'createExtension'] as const) {
      expect(typeof negotiator[method]).toBe('function');
    }
    const extension = negotiator.createExtension([], 'server');
    expect(extension.name).toBe('permessage-deflate');
    expect(extension.rsv).toBe(0x40);
    expect(typeof extension.encodeMessage).toBe('function');
    expect(typeof extension.decodeMessage).toBe('function');
    expect(typeof extension.dispose).toBe('function');
    extension.dispose?.();
  });
});

/**
 * The public surface of @wskit/permessage-deflate: this list changes only on purpose
 * (docs/contributing.md).
 */
import * as deflate from '@wskit/permessage-deflate';
import * as onDemand from '@wskit/permessage-deflate/on-demand';
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

  it('@wskit/permessage-deflate/on-demand exports the client loader only', () => {
    expect(Object.keys(onDemand)).toEqual(['loadClientPerMessageDeflate']);
  });

  it('the loader checks the option at once and loads the same negotiator as clientPerMessageDeflate', async () => {
    const { loadClientPerMessageDeflate } = onDemand;
    expect(loadClientPerMessageDeflate(undefined)).toBeUndefined();
    expect(loadClientPerMessageDeflate(false)).toBeUndefined();
    expect(() => loadClientPerMessageDeflate('yes')).toThrow(TypeError);
    expect(() => loadClientPerMessageDeflate({ serverMaxWindowBits: 16 })).toThrow(RangeError);
    const loaded = await loadClientPerMessageDeflate(true);
    expect(loaded?.name).toBe('permessage-deflate');
    expect(loaded?.offer()).toEqual(deflate.clientPerMessageDeflate(true)?.offer());
    // One negotiator per options object, as clientPerMessageDeflate keeps them.
    const options = { threshold: 10 };
    expect(await loadClientPerMessageDeflate(options)).toBe(await loadClientPerMessageDeflate(options));
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

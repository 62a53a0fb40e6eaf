/**
 * The masking kernels where the WebAssembly SIMD kernel cannot run: no `WebAssembly` at all, an
 * engine without SIMD (`validate` is false), and a runtime that forbids compiling code (workerd, a
 * strict CSP: compiling throws), or its module failing to load. Each case loads a fresh copy of
 * the package with `WebAssembly` replaced before first use, so the word loop is in charge; and the
 * kernel's module is loaded (`import()`) and compiled on first use by a long payload, once, never at
 * import, with the word loop masking correctly until it has loaded.
 *
 * vitest only (`.node.test.ts`: `bun test` skips it), for `vi.resetModules()`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkKernels } from './mask-kernel-cases.js';

type Codec = typeof import('@wskit/codec');

const realWebAssembly = globalThis.WebAssembly;

/** The kernel load of the last fresh copy, awaited after each test (it reads `WebAssembly`). */
let settle: (() => Promise<boolean>) | undefined;

/** A fresh copy of the package, loaded while `globalThis.WebAssembly` is `replacement`. */
async function loadWith(replacement: unknown): Promise<Codec> {
  vi.resetModules();
  Object.defineProperty(globalThis, 'WebAssembly', {
    value: replacement,
    configurable: true,
    writable: true,
  });
  const codec = (await import('@wskit/codec')) as Codec;
  settle = (await import('../src/mask.js')).loadSimd;
  return codec;
}

afterEach(async () => {
  // A load a test started must not run under the next test's WebAssembly.
  await settle?.();
  settle = undefined;
  Object.defineProperty(globalThis, 'WebAssembly', {
    value: realWebAssembly,
    configurable: true,
    writable: true,
  });
});

/** A stand-in for the WebAssembly API that counts how it is used. */
function fakeWebAssembly(options: { validates: boolean; compiles: boolean }) {
  const calls = { validate: 0, compile: 0 };
  const api = {
    validate: () => {
      calls.validate++;
      return options.validates;
    },
    Module: class {
      constructor() {
        calls.compile++;
        if (!options.compiles) throw new Error('Wasm code generation disallowed by embedder');
      }
    },
    Instance: realWebAssembly.Instance,
  };
  return { api, calls };
}

describe('masking without the WebAssembly SIMD kernel', () => {
  it('no WebAssembly at all: the word loop masks every length correctly', async () => {
    const codec = await loadWith(undefined);
    expect(checkKernels(codec.applyMask, codec.maskInto)).toEqual([]);
  });

  it('no SIMD (validate is false): tried once, on the first long payload, never at import', async () => {
    const { api, calls } = fakeWebAssembly({ validates: false, compiles: true });
    const codec = await loadWith(api);
    expect(calls.validate).toBe(0);
    codec.applyMask(new Uint8Array(511), 1);
    expect(calls.validate).toBe(0);
    codec.applyMask(new Uint8Array(512), 1);
    await vi.waitFor(() => expect(calls.validate).toBe(1));
    expect(checkKernels(codec.applyMask, codec.maskInto)).toEqual([]);
    expect(calls).toEqual({ validate: 1, compile: 0 });
  });

  it('compiling forbidden (workerd): tried once, then the word loop for good', async () => {
    const { api, calls } = fakeWebAssembly({ validates: true, compiles: false });
    const codec = await loadWith(api);
    expect(checkKernels(codec.applyMask, codec.maskInto)).toEqual([]);
    await vi.waitFor(() => expect(calls.compile).toBe(1));
    expect(checkKernels(codec.applyMask, codec.maskInto)).toEqual([]);
    expect(calls).toEqual({ validate: 1, compile: 1 });
  });

  it('while the kernel loads the word loop masks long payloads; then the kernel, compiled once', async () => {
    const calls = { validate: 0, compile: 0 };
    const counting = {
      validate: (bytes: Uint8Array<ArrayBuffer>) => {
        calls.validate++;
        return realWebAssembly.validate(bytes);
      },
      Module: class {
        constructor(bytes: Uint8Array<ArrayBuffer>) {
          calls.compile++;
          // biome-ignore lint/correctness/noConstructorReturn: stands in for the real module
          return new realWebAssembly.Module(bytes);
        }
      },
      Instance: realWebAssembly.Instance,
    };
    const codec = await loadWith(counting);
    const { loadSimd } = await import('../src/mask.js');
    expect(calls.validate).toBe(0);
    // Every length, before the module has loaded: the first long payload only asks for it.
    expect(checkKernels(codec.applyMask, codec.maskInto)).toEqual([]);
    expect(calls.validate).toBe(0);
    expect(await loadSimd()).toBe(true);
    expect(calls).toEqual({ validate: 1, compile: 1 });
    expect(checkKernels(codec.applyMask, codec.maskInto)).toEqual([]);
    expect(calls).toEqual({ validate: 1, compile: 1 });
  });

  it('its module failing to load (a chunk not fetched): the word loop for good', async () => {
    vi.doMock('../src/mask-simd.js', () => {
      throw new Error('Failed to fetch dynamically imported module');
    });
    try {
      const codec = await loadWith(realWebAssembly);
      const { loadSimd } = await import('../src/mask.js');
      expect(checkKernels(codec.applyMask, codec.maskInto)).toEqual([]);
      expect(await loadSimd()).toBe(false);
      expect(checkKernels(codec.applyMask, codec.maskInto)).toEqual([]);
    } finally {
      vi.doUnmock('../src/mask-simd.js');
    }
  });

  it('the encoder and decoder round-trip large masked messages without it', async () => {
    const codec = await loadWith(undefined);
    const payload = new Uint8Array(200_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 13) & 0xff;
    const encoder = new codec.FrameEncoder({ role: 'client' });
    const frame = encoder.encode(codec.Opcode.Binary, payload)[0]!;
    let received: Uint8Array | undefined;
    const ignore = () => {};
    const decoder = new codec.MessageDecoder(
      {
        onText: ignore,
        onBinary: (data) => {
          received = data;
        },
        onPiece: ignore,
        onExtensionMessage: ignore,
        onPing: ignore,
        onPong: ignore,
        onClose: ignore,
      },
      { role: 'server' },
    );
    for (let at = 0; at < frame.length; at += 65_536) {
      expect(decoder.write(frame.slice(at, at + 65_536))).toBeUndefined();
    }
    expect(received).toEqual(payload);
  });
});

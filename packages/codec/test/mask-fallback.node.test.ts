/**
 * The masking kernels where the WebAssembly SIMD kernel cannot run: no `WebAssembly` at all, an
 * engine without SIMD (`validate` is false), and a runtime that forbids compiling code (workerd, a
 * strict CSP: compiling throws). Each case loads a fresh copy of the package with `WebAssembly`
 * replaced before first use, so the word loop is in charge; and the kernel is compiled on first use
 * by a long payload, once, never at import.
 *
 * vitest only (`.node.test.ts`: `bun test` skips it), for `vi.resetModules()`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkKernels } from './mask-kernel-cases.js';

type Codec = typeof import('@wskit/codec');

const realWebAssembly = globalThis.WebAssembly;

/** A fresh copy of the package, loaded while `globalThis.WebAssembly` is `replacement`. */
async function loadWith(replacement: unknown): Promise<Codec> {
  vi.resetModules();
  Object.defineProperty(globalThis, 'WebAssembly', {
    value: replacement,
    configurable: true,
    writable: true,
  });
  return (await import('@wskit/codec')) as Codec;
}

afterEach(() => {
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
    expect(calls.validate).toBe(1);
    expect(checkKernels(codec.applyMask, codec.maskInto)).toEqual([]);
    expect(calls).toEqual({ validate: 1, compile: 0 });
  });

  it('compiling forbidden (workerd): tried once, then the word loop for good', async () => {
    const { api, calls } = fakeWebAssembly({ validates: true, compiles: false });
    const codec = await loadWith(api);
    expect(checkKernels(codec.applyMask, codec.maskInto)).toEqual([]);
    expect(calls).toEqual({ validate: 1, compile: 1 });
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

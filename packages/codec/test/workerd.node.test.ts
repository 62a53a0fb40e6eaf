/**
 * workerd smoke test: the built package (dist/index.js) runs in Cloudflare's runtime, through
 * Miniflare. vitest only: the `.node.test.ts` suffix keeps it out of `bun test` (see the package's
 * `test:bun` script), as it drives a workerd process from Node.
 */
/// <reference types="node" />
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtModule } from '@wskit/tooling/built-module';
import { Miniflare } from 'miniflare';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const distEntry = join(packageDir, 'dist', 'index.js');

/** The Worker: encodes frames with the codec, decodes them again, and answers with JSON. */
const workerSource = `
import { FrameEncoder, MaskKeyPool, MessageDecoder, Opcode, encodeClosePayload } from './codec.js';

const toHex = (bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) { out.set(part, offset); offset += part.length; }
  return out;
};

export default {
  async fetch() {
    // A client encoder with a fixed key (RFC 6455 §5.7) and one with keys from crypto.getRandomValues.
    const fixed = new FrameEncoder({ role: 'client', maskKeys: new MaskKeyPool(1, (array) => array.fill(0x37fa213d)) });
    const random = new FrameEncoder({ role: 'client' });
    const events = [];
    const decoder = new MessageDecoder(
      {
        onText: (text) => events.push({ event: 'text', text }),
        onBinary: (data) => events.push({ event: 'binary', data: toHex(data) }),
        onPiece() {},
        onExtensionMessage() {},
        onPing: (data) => events.push({ event: 'ping', data: toHex(data) }),
        onPong: (data) => events.push({ event: 'pong', data: toHex(data) }),
        onClose: ({ code, reason }) => events.push({ event: 'close', code, reason }),
      },
      { role: 'server' },
    );
    const frame = concat(fixed.encodeText('Hello'));
    const stream = concat([
      frame,
      ...random.encode(Opcode.Text, new TextEncoder().encode('héllo wörkerd'), { fin: false }),
      ...random.encode(Opcode.Ping, new Uint8Array([1, 2, 3])),
      ...random.encode(Opcode.Continuation, new TextEncoder().encode(' ✓')),
      ...random.encode(Opcode.Binary, new Uint8Array(300).fill(7)),
      ...random.encode(Opcode.Close, encodeClosePayload(1000, 'done')),
    ]);
    // Feed it in uneven chunks.
    let error;
    for (let at = 0; at < stream.length && error === undefined; at += 7) {
      error = decoder.write(stream.slice(at, at + 7));
    }
    return Response.json({
      userAgent: typeof navigator === 'undefined' ? null : navigator.userAgent,
      frame: toHex(frame),
      error: error === undefined ? null : error.code,
      events,
    });
  },
};
`;

describe('workerd (Miniflare)', () => {
  beforeAll(() => {
    if (!existsSync(distEntry)) {
      // The turbo `test` task builds first; when run directly, build here.
      try {
        execSync('npx tsup', { cwd: packageDir, stdio: 'pipe' });
      } catch (cause) {
        throw new Error(`dist/index.js is missing and building it failed: run the package's build first`, {
          cause,
        });
      }
    }
  });

  it('encodes a masked frame and decodes a stream with the built package', async () => {
    const miniflare = new Miniflare({
      compatibilityDate: '2024-09-23',
      modulesRoot: packageDir,
      modules: [
        { type: 'ESModule', path: join(packageDir, 'worker.js'), contents: workerSource },
        { type: 'ESModule', path: join(packageDir, 'codec.js'), contents: builtModule(distEntry) },
      ],
    });
    try {
      const response = await miniflare.dispatchFetch('http://localhost/');
      const result = await response.json();
      expect(result).toEqual({
        userAgent: 'Cloudflare-Workers',
        frame: '818537fa213d7f9f4d5158',
        error: null,
        events: [
          { event: 'text', text: 'Hello' },
          { event: 'ping', data: '010203' },
          { event: 'text', text: 'héllo wörkerd ✓' },
          { event: 'binary', data: '07'.repeat(300) },
          { event: 'close', code: 1000, reason: 'done' },
        ],
      });
    } finally {
      await miniflare.dispose();
    }
  }, 30_000);
});

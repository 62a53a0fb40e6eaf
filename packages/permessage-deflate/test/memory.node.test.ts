/// <reference types="node" />
/**
 * Memory stays flat over 100 000 compressed messages on one connection, both directions, with
 * context takeover: nothing accumulates per message (chunks, promises, limiter entries, zlib state).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DeflatePipe } from './helpers.js';

/** A full garbage collection, on Node (through V8's flag) and on Bun. */
function collectGarbage(): void {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun) {
    bun.gc(true);
    return;
  }
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Heap and off-heap (array buffer) bytes in use, and the resident set, after a full collection. */
async function memoryAfterCollection(): Promise<{ used: number; rss: number }> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return { used: usage.heapUsed + usage.external, rss: usage.rss };
}

describe('memory', () => {
  it('stays flat over 100 000 compressed messages on one connection', async () => {
    const { pipe } = DeflatePipe.negotiated({ threshold: 0 }, { threshold: 0 });
    const total = 100_000;
    const batch = 2_000;
    let received = 0;
    const run = async (count: number) => {
      for (let sent = 0; sent < count; sent += batch) {
        for (let i = 0; i < batch; i++) {
          const n = received + i;
          if (n % 2 === 0)
            pipe.client.connection.sendText(`message ${n}: the quick brown fox jumps over the lazy dog`);
          else
            pipe.server.connection.sendBinary(new TextEncoder().encode(`binary ${n} ${'ab'.repeat(n % 50)}`));
        }
        await pipe.until(() => pipe.server.events.length + pipe.client.events.length >= batch + 2);
        const messages = [...pipe.server.events, ...pipe.client.events].filter(
          (event) => event.type === 'message',
        );
        expect(messages).toHaveLength(batch);
        received += batch;
        // Keep the open events only: the test must not hold on to what it received.
        pipe.server.events.splice(1);
        pipe.client.events.splice(1);
        pipe.client.frameHeads.length = 0;
        pipe.server.frameHeads.length = 0;
      }
    };
    await run(4_000); // warm up: zlib streams, JIT, pools
    const before = await memoryAfterCollection();
    await run(total);
    const after = await memoryAfterCollection();
    expect(received).toBe(total + 4_000);
    // Measured: under 1 MiB of heap and buffers, tens of MiB of RSS (the allocator keeps what the
    // zlib threads and the young generation used). A leak of even 100 bytes a message would show
    // as 10 MB; one retained 16 KiB zlib chunk a message as 1.6 GB.
    expect(after.used - before.used).toBeLessThan(8 * 1024 * 1024);
    expect(after.rss - before.rss).toBeLessThan(256 * 1024 * 1024);
    // About 5 s alone; zlib runs on the thread pool, so a 2-core CI machine running other packages'
    // tests side by side can stretch it several times over.
  }, 120_000);
});

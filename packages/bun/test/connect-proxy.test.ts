// The CONNECT proxy of the tests (helpers.ts) relays every byte, in order, when one side reads later
// than the other writes. Bun's socket `write` keeps nothing of what the kernel did not take: a
// relay that ignores its count drops bytes, and a TLS session inside the tunnel then never gets the
// rest of a record and waits for good (the TLS-in-TLS test of https-proxy.test.ts hung so, once the
// 4 MiB echo outran a busy client). Here the reader stays paused until the writer has written all or
// the proxy had to hold bytes back, so the relay's partial writes happen on every run.
import { describe, expect, it } from 'bun:test';
import type { Socket } from 'bun';
import { connectProxy, defer, pattern, proxyCertificate, until } from './helpers.js';

/** Well over what the kernel buffers of a loopback connection hold while its reader is paused (about 4 MiB here). */
const SIZE = 16 * 1024 * 1024;
const payload = pattern(SIZE, 3);

/** Writes {@link payload} as the socket takes it (`pump` again on `drain`), then ends. */
class Sender {
  written = 0;
  /** Whether the last write was partial and no `drain` came since. */
  stalled = false;

  pump(socket: Socket<unknown>): void {
    this.stalled = false;
    while (this.written < SIZE) {
      const length = Math.min(SIZE - this.written, 1024 * 1024);
      const written = socket.write(payload, this.written, length);
      if (written < 0) return;
      this.written += written;
      if (written < length) {
        this.stalled = true;
        return;
      }
    }
    socket.end();
  }
}

/** Checks what arrives against {@link payload}, as it arrives. */
class Receiver {
  received = 0;
  /** Where the first byte that is not the payload's arrived (-1: none). */
  differs = -1;
  ended = false;

  take(chunk: Uint8Array): void {
    const expected = payload.subarray(this.received, this.received + chunk.byteLength);
    if (this.differs < 0 && Buffer.compare(chunk, expected) !== 0) this.differs = this.received;
    this.received += chunk.byteLength;
  }
}

describe('the tests’ CONNECT proxy', () => {
  for (const secure of [false, true]) {
    for (const direction of ['to the server', 'to the client'] as const) {
      it(`loses nothing ${direction} when the reader is late (${secure ? 'https' : 'http'}: proxy)`, async () => {
        const proxy = connectProxy(undefined, { tls: secure });
        const send = new Sender();
        const receive = new Receiver();
        const upstream = direction === 'to the server';
        let server: Socket<unknown> | undefined;
        const listener = Bun.listen({
          hostname: '127.0.0.1',
          port: 0,
          socket: {
            open(socket) {
              server = socket;
              if (upstream) socket.pause();
            },
            data: (_socket, chunk) => receive.take(chunk),
            drain(socket) {
              if (!upstream) send.pump(socket);
            },
            close() {
              if (upstream) receive.ended = true;
            },
          },
        });
        defer(() => listener.stop(true));
        let head = '';
        const client = await Bun.connect({
          hostname: '127.0.0.1',
          port: Number(new URL(proxy.url).port),
          ...(secure ? { tls: { ca: proxyCertificate } } : {}),
          socket: {
            [secure ? 'handshake' : 'open'](socket: Socket<unknown>) {
              socket.write(
                `CONNECT 127.0.0.1:${listener.port} HTTP/1.1\r\nHost: 127.0.0.1:${listener.port}\r\n\r\n`,
              );
            },
            data(socket, chunk) {
              if (!head.endsWith('\r\n\r\n')) {
                // The proxy's answer: nothing follows it before the server is told to send.
                head += new TextDecoder().decode(chunk);
                if (head.endsWith('\r\n\r\n')) {
                  if (upstream) send.pump(socket);
                  else socket.pause();
                }
                return;
              }
              receive.take(chunk);
            },
            drain(socket) {
              if (upstream && head.endsWith('\r\n\r\n')) send.pump(socket);
            },
            close() {
              if (!upstream) receive.ended = true;
            },
          },
        });
        defer(() => client.terminate());
        await until(() => head.endsWith('\r\n\r\n') && server !== undefined);
        expect(head).toStartWith('HTTP/1.1 200');
        if (!upstream) send.pump(server!);
        // The reader stays paused until the writer is done, or stuck behind what the proxy holds.
        await until(() => send.written === SIZE || (proxy.stats.kept > 0 && send.stalled));
        (upstream ? server! : client).resume();
        await until(() => receive.ended, 10_000);
        expect(receive.received).toBe(SIZE);
        expect(receive.differs).toBe(-1);
        expect(proxy.stats.kept).toBeGreaterThan(0);
      }, 15_000);
    }
  }
});

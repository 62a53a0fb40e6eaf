import { once } from 'node:events';
import type { Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { NodeSocketTransport } from '@wskit/node';
import { describe, expect, it, vi } from 'vitest';
import { certificate, defer, delay, listen, privateKey, readAll, socketPair } from './helpers.js';

/** A handler that records every callback in order. */
function recorder() {
  const events: string[] = [];
  const chunks: Uint8Array[] = [];
  const errors: Error[] = [];
  let resolveClosed: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const handler = {
    onData: (chunk: Uint8Array) => {
      events.push('data');
      chunks.push(chunk);
    },
    onEnd: () => events.push('end'),
    onDrain: () => events.push('drain'),
    onError: (error: Error) => {
      events.push('error');
      errors.push(error);
    },
    onClose: () => {
      events.push('close');
      resolveClosed();
    },
  };
  return { events, chunks, errors, handler, closed, received: () => Buffer.concat(chunks) };
}

/** The libuv handle of a connected TCP socket (to count write system calls). */
function handleOf(socket: Socket): {
  writev: (...args: unknown[]) => unknown;
  writeBuffer: (...args: unknown[]) => unknown;
} {
  return (socket as unknown as { _handle: never })._handle;
}

describe('NodeSocketTransport', () => {
  it('disables Nagle and describes the remote end', async () => {
    const { client, server } = await socketPair();
    const setNoDelay = vi.spyOn(client, 'setNoDelay');
    const transport = new NodeSocketTransport(client);
    expect(setNoDelay).toHaveBeenCalledWith(true);
    expect(transport.remoteAddress).toBe(`127.0.0.1:${server.localPort}`);
    expect(transport.socket).toBe(client);
    const plain = vi.spyOn(server, 'setNoDelay');
    new NodeSocketTransport(server, { noDelay: false });
    expect(plain).not.toHaveBeenCalled();
  });

  it('still describes the remote end when first asked after the peer reset the connection', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    const events = recorder();
    transport.start(events.handler);
    const port = server.localPort;
    server.resetAndDestroy();
    await events.closed;
    expect(client.destroyed).toBe(true);
    expect(transport.remoteAddress).toBe(`127.0.0.1:${port}`);
  });

  it('reads the remote address from the handle, so the socket caches no copy of it', async () => {
    const first = await socketPair();
    const second = await socketPair();
    const one = new NodeSocketTransport(first.server);
    const other = new NodeSocketTransport(second.server);
    // Node caches `_peername` ({ address, family, port }) on a socket once its remote address is read.
    expect((first.server as unknown as { _peername?: unknown })._peername).toBeUndefined();
    expect(one.remoteAddress).toBe(`127.0.0.1:${first.client.localPort}`);
    expect(other.remoteAddress).toBe(`127.0.0.1:${second.client.localPort}`);
    expect((first.server as unknown as { _peername?: unknown })._peername).toBeUndefined();
  });

  it('writes a header and a payload in one writev system call', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    transport.start(recorder().handler);
    const handle = handleOf(client);
    const writev = vi.spyOn(handle, 'writev');
    const writeBuffer = vi.spyOn(handle, 'writeBuffer');
    const header = Uint8Array.of(0x82, 0x7e, 0x10, 0x00);
    const payload = new Uint8Array(4096).fill(7);
    expect(transport.write([header, payload])).toBe(true);
    expect(writev).toHaveBeenCalledTimes(1);
    expect(writeBuffer).not.toHaveBeenCalled();
    transport.write([Uint8Array.of(1, 2, 3)]);
    expect(writeBuffer).toHaveBeenCalledTimes(1);
    transport.end();
    const bytes = await readAll(server);
    expect(bytes).toEqual(Buffer.concat([header, payload, Uint8Array.of(1, 2, 3)]));
  });

  it('hands over the bytes Node read without copies, as plain Uint8Array views', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    const seen: Buffer[] = [];
    const record = recorder();
    transport.start(record.handler);
    client.on('data', (chunk: Buffer) => seen.push(chunk));
    server.write('hello');
    await vi.waitFor(() => expect(record.chunks.length).toBeGreaterThan(0));
    const chunk = record.chunks[0]!;
    expect(Object.getPrototypeOf(chunk)).toBe(Uint8Array.prototype);
    expect(chunk.buffer).toBe(seen[0]!.buffer);
    expect(chunk.byteOffset).toBe(seen[0]!.byteOffset);
    expect(Buffer.from(chunk).toString()).toBe('hello');
  });

  it('reports backpressure from socket.write and drains', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    const record = recorder();
    transport.start(record.handler);
    server.pause();
    let accepted = true;
    let written = 0;
    while (accepted && written < 256 * 1024 * 1024) {
      accepted = transport.write([new Uint8Array(1024 * 1024)]);
      written += 1024 * 1024;
    }
    expect(accepted).toBe(false);
    expect(transport.bufferedAmount).toBeGreaterThanOrEqual(client.writableLength);
    expect(transport.bufferedAmount).toBeGreaterThan(0);
    expect(record.events).not.toContain('drain');
    server.resume();
    await vi.waitFor(() => expect(record.events).toContain('drain'), { timeout: 10_000 });
    expect(record.events.filter((event) => event === 'drain')).toHaveLength(1);
    expect(transport.bufferedAmount).toBe(0);
  });

  it('copies a lent buffer that goes behind a paced write, and frees it at once', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    transport.start(recorder().handler);
    server.pause();
    const big = new Uint8Array(8 * 1024 * 1024).fill(7);
    transport.write([big]); // paced: most of it waits in the transport
    const lent = transport.frameScratch(64 * 1024)!;
    lent.fill(1);
    transport.write([lent]); // behind the paced write: copied, so the buffer is free again
    const again = transport.frameScratch(64 * 1024);
    expect(again?.buffer).toBe(lent.buffer);
    again!.fill(2); // must not change what was queued
    const received: Buffer[] = [];
    server.on('data', (chunk: Buffer) => received.push(chunk));
    server.resume();
    const total = big.length + lent.length;
    await vi.waitFor(() => expect(received.reduce((sum, chunk) => sum + chunk.length, 0)).toBe(total), {
      timeout: 10_000,
    });
    const tail = Buffer.concat(received).subarray(big.length);
    expect(tail.every((byte) => byte === 1)).toBe(true);
    transport.abort();
  });

  it('lends one scratch buffer at a time, free again once the socket no longer needs its bytes', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    const otherPair = await socketPair();
    otherPair.server.on('error', () => {}); // the reset of other.abort() below
    const other = new NodeSocketTransport(otherPair.client);
    transport.start(recorder().handler);
    const numbered = (length: number, seed: number) =>
      Uint8Array.from({ length }, (_, index) => (index * 7 + seed) & 0xff);
    expect(transport.frameScratch(1024 * 1024 + 17)).toBeUndefined(); // over the limit: allocate as usual
    // The kernel takes a small write whole: the buffer is free as soon as write() returns.
    const first = transport.frameScratch(64 * 1024)!;
    expect(other.frameScratch(1024)).toBeUndefined(); // one lending for the whole process
    first.set(numbered(first.length, 0));
    transport.write([first]);
    expect(client.writableLength).toBe(0);
    const again = other.frameScratch(1024);
    expect(again?.buffer).toBe(first.buffer);
    other.abort(); // its frame will never be written: the lending ends with it
    // The reader is paused: writes queue in the socket, each lending lasts until its callback.
    server.pause();
    const sent: Uint8Array[] = [];
    let reused = 0;
    for (let index = 1; index <= 64; index++) {
      const lent = transport.frameScratch(256 * 1024);
      const frame = numbered(256 * 1024, index);
      sent.push(frame);
      if (lent === undefined) {
        transport.write([frame]); // still lent to a queued write: allocate as an encoder would
        continue;
      }
      reused++;
      lent.set(frame);
      transport.write([lent]);
    }
    expect(reused).toBeGreaterThan(0);
    expect(reused).toBeLessThan(64); // lent to writes the socket still held
    const received: Buffer[] = [];
    server.on('data', (chunk: Buffer) => received.push(chunk));
    server.resume();
    const total = first.length + 64 * 256 * 1024;
    await vi.waitFor(() => expect(received.reduce((sum, chunk) => sum + chunk.length, 0)).toBe(total), {
      timeout: 10_000,
    });
    const bytes = Buffer.concat(received);
    expect(bytes.subarray(0, first.length).equals(numbered(first.length, 0))).toBe(true);
    for (const [index, frame] of sent.entries()) {
      const at = first.length + index * frame.length;
      if (!bytes.subarray(at, at + frame.length).equals(frame)) {
        throw new Error(
          `frame ${index + 1} arrived changed: the lent buffer was reused while the socket held it`,
        );
      }
    }
    await vi.waitFor(() => expect(transport.frameScratch(1024)).toBeDefined());
    transport.abort();
  });

  it('paces a large write a slice at a time, so that progress shows, and keeps the order and the end', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    const record = recorder();
    transport.start(record.handler);
    server.pause();
    // 16 MiB in one write, then a small one behind it, then the end: bytes numbered by position.
    const big = new Uint8Array(16 * 1024 * 1024);
    for (let index = 0; index < big.length; index += 4096) big[index] = (index / 4096) & 0xff;
    expect(transport.write([new Uint8Array([1, 2]), big])).toBe(false);
    expect(transport.write([new Uint8Array([3])])).toBe(false);
    transport.end();
    // Only two slices (2 MiB) sit in the socket; the rest waits in the transport.
    expect(client.writableLength).toBeLessThanOrEqual(2 * 1024 * 1024);
    const full = transport.bufferedAmount;
    // What the kernel took at once left at once; most of it waits in the transport.
    expect(full).toBeGreaterThan(8 * 1024 * 1024);
    expect(full).toBeGreaterThan(client.writableLength);
    const received: Buffer[] = [];
    server.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = once(server, 'end');
    // Read: what the transport buffers falls as the peer reads (the write timeout's view of progress).
    server.resume();
    await vi.waitFor(() => expect(transport.bufferedAmount).toBeLessThan(full), { timeout: 10_000 });
    await ended;
    const bytes = Buffer.concat(received);
    expect(bytes.length).toBe(2 + big.length + 1);
    expect([...bytes.subarray(0, 2)]).toEqual([1, 2]);
    expect(bytes.subarray(2, 2 + big.length).equals(big)).toBe(true);
    expect(bytes[bytes.length - 1]).toBe(3);
    expect(transport.bufferedAmount).toBe(0);
  });

  it('close() during a paced write ends the socket only after all of it', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    transport.start(recorder().handler);
    server.pause();
    const big = new Uint8Array(16 * 1024 * 1024).fill(7);
    transport.write([big]);
    expect(transport.bufferedAmount).toBeGreaterThan(8 * 1024 * 1024);
    transport.close();
    let received = 0;
    server.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    const ended = once(server, 'end');
    server.resume();
    await ended;
    expect(received).toBe(big.length);
    server.end(); // the peer's end lets close() release the socket
    await once(client, 'close');
  });

  it('drops a paced write on abort', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    transport.start(recorder().handler);
    server.pause();
    expect(transport.write([new Uint8Array(16 * 1024 * 1024)])).toBe(false);
    expect(transport.bufferedAmount).toBeGreaterThan(8 * 1024 * 1024);
    transport.abort();
    await once(client, 'close');
    expect(transport.write([new Uint8Array(1)])).toBe(false);
  });

  it('pauses and resumes reading', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    const record = recorder();
    transport.pause();
    transport.start(record.handler);
    server.write('early');
    await delay(50);
    expect(record.chunks).toHaveLength(0);
    transport.resume();
    await vi.waitFor(() => expect(record.received().toString()).toBe('early'));
    transport.pause();
    transport.pause();
    server.write('later');
    await delay(50);
    expect(record.received().toString()).toBe('early');
    transport.resume();
    await vi.waitFor(() => expect(record.received().toString()).toBe('earlylater'));
  });

  it('end() half-closes: the peer sees the end and may still send', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    const record = recorder();
    transport.start(record.handler);
    transport.write([Buffer.from('bye')]);
    transport.end();
    expect(transport.write([Buffer.from('ignored')])).toBe(false);
    expect((await readAll(server)).toString()).toBe('bye');
    server.end('still talking');
    await record.closed;
    expect(record.received().toString()).toBe('still talking');
    expect(record.events).toEqual(['data', 'end', 'close']);
  });

  it('close() ends and releases the socket once the peer ended', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    const record = recorder();
    transport.start(record.handler);
    transport.close();
    await readAll(server);
    expect(record.events).not.toContain('close');
    server.end();
    await record.closed;
    expect(client.destroyed).toBe(true);
    expect(record.events).toEqual(['end', 'close']);
  });

  it('close() after the peer ended releases at once', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    const record = recorder();
    transport.start(record.handler);
    server.end();
    await vi.waitFor(() => expect(record.events).toContain('end'));
    transport.close();
    await record.closed;
    expect(record.events).toEqual(['end', 'close']);
  });

  it('abort() resets the connection and drops the queue', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    const record = recorder();
    transport.start(record.handler);
    server.pause();
    transport.write([new Uint8Array(8 * 1024 * 1024)]);
    const serverError = once(server, 'error');
    transport.abort(new Error('gone'));
    expect(transport.write([Uint8Array.of(1)])).toBe(false);
    await record.closed;
    server.resume();
    const [error] = (await serverError) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNRESET');
    expect(record.events).toEqual(['close']);
  });

  it('reports a reset by the peer as an error, then closes once', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    const record = recorder();
    transport.start(record.handler);
    server.resetAndDestroy();
    await record.closed;
    await delay(10);
    expect(record.events).toEqual(['error', 'close']);
    expect((record.errors[0] as NodeJS.ErrnoException).code).toBe('ECONNRESET');
  });

  it('keeps what happened before start and reports it after', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    server.write('before start');
    server.resetAndDestroy();
    await new Promise((resolve) => client.on('close', resolve));
    const record = recorder();
    transport.start(record.handler);
    expect(record.events).toEqual([]);
    await record.closed;
    expect(record.events).toEqual(['error', 'close']);
  });

  it('does not lose bytes that arrive before start', async () => {
    const { client, server } = await socketPair();
    const transport = new NodeSocketTransport(client);
    server.end('queued while paused');
    await delay(30);
    const record = recorder();
    transport.start(record.handler);
    await vi.waitFor(() => expect(record.events).toContain('end'));
    expect(record.received().toString()).toBe('queued while paused');
  });

  it('refuses a second start', async () => {
    const { client } = await socketPair();
    const transport = new NodeSocketTransport(client);
    transport.start(recorder().handler);
    expect(() => transport.start(recorder().handler)).toThrow(TypeError);
  });

  it('works over TLS, where abort() destroys the socket', async () => {
    const server = createTlsServer({ key: privateKey, cert: certificate }, (socket) => {
      socket.on('data', (chunk: Buffer) => socket.write(chunk));
      socket.on('error', () => {});
    });
    const port = await listen(server);
    const socket: TLSSocket = tlsConnect({
      port,
      host: '127.0.0.1',
      ca: certificate,
      servername: 'localhost',
    });
    defer(() => socket.destroy());
    await once(socket, 'secureConnect');
    const transport = new NodeSocketTransport(socket);
    const record = recorder();
    transport.start(record.handler);
    transport.write([Buffer.from('echo '), Buffer.from('over tls')]);
    await vi.waitFor(() => expect(record.received().toString()).toBe('echo over tls'));
    transport.abort();
    await record.closed;
    expect(socket.destroyed).toBe(true);
    expect(transport.remoteAddress).toBe(`127.0.0.1:${port}`);
  });
});

// The runtime map: Node's runtime works in-process; Bun's loads anywhere but works only under Bun
// (test/bun-runtime.test.ts runs it there).
import { DefaultServerOptions } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { echo } from '../src/echo.ts';
import { sessionOptions } from '../src/limits.ts';
import {
  DefaultRuntime,
  findBinary,
  loadRuntime,
  RuntimeUnavailableError,
  runtimeNames,
} from '../src/runtimes/index.ts';
import { urlHost } from '../src/runtimes/node.ts';

describe('runtimes', () => {
  it('has node, the default, and bun', async () => {
    expect(DefaultRuntime).toBe('node');
    expect(runtimeNames).toEqual(['node', 'bun']);
    const runtime = await loadRuntime('node');
    expect(runtime.name).toBe('node');
    // Follows @wskit/node: true once it has the `perMessageDeflate` option.
    expect(runtime.supportsDeflate).toBe('perMessageDeflate' in DefaultServerOptions);
  });

  it('loads bun, which needs the Bun runtime to listen, and refuses unknown names', async () => {
    const bun = await loadRuntime('bun');
    expect(bun).toMatchObject({ name: 'bun', supportsDeflate: false });
    const options = { host: '127.0.0.1', port: 0, session: {}, deflate: false, onConnection() {} };
    await expect(bun.listen(options)).rejects.toThrow(/needs the Bun runtime/);
    await expect(loadRuntime('toString')).rejects.toThrow(RuntimeUnavailableError);
    await expect(loadRuntime('toString')).rejects.toThrow(/--runtime must be one of node, bun/);
  });

  it('finds the bun binary of the workspace root', () => {
    expect(findBinary('bun')).toMatch(/node_modules[/\\]bun[/\\]bin[/\\]bun\.exe$/);
    expect(findBinary('no-such-binary')).toBe('no-such-binary');
  });

  it('node: listen and connect, echoing in-process, then close every session with a code', async () => {
    const runtime = await loadRuntime('node');
    const session = sessionOptions({ maxMessageSize: 1024, maxFragments: 8 });
    const summaries: Promise<Awaited<ReturnType<typeof echo>>>[] = [];
    const listener = await runtime.listen({
      host: '127.0.0.1',
      port: 0,
      session,
      deflate: false,
      onConnection: (accepted) => summaries.push(echo(accepted)),
    });
    expect(listener.url).toBe(`ws://127.0.0.1:${listener.port}/`);
    const client = await runtime.connect(listener.url, { session, deflate: false, handshakeTimeout: 5000 });
    const echoed = new Promise((resolve) => client.once('message', resolve));
    await client.send(new Uint8Array([1, 2, 3]));
    // On Node, binary messages arrive as Buffer views (binaryType 'nodebuffer'): compare the bytes.
    expect(Uint8Array.from((await echoed) as Uint8Array)).toEqual(new Uint8Array([1, 2, 3]));
    expect(listener.connections).toBe(1);
    await listener.close(1001, 'going');
    expect(await client.closed).toMatchObject({ code: 1001, reason: 'going' });
    expect(await summaries[0]).toMatchObject({ code: 1001, messages: 1, error: undefined });
  });

  it('node: rejects when the port is taken', async () => {
    const runtime = await loadRuntime('node');
    const options = { host: '127.0.0.1', port: 0, session: {}, deflate: false, onConnection() {} };
    const first = await runtime.listen(options);
    await expect(runtime.listen({ ...options, port: first.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    await first.close(1001, '');
  });

  it('puts IPv6 hosts in brackets', () => {
    expect(urlHost('::1', 9001)).toBe('[::1]:9001');
    expect(urlHost('127.0.0.1', 9001)).toBe('127.0.0.1:9001');
  });
});

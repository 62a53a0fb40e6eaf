// The runtime map: Node's runtime works in-process; Bun's is announced but not there yet.
import { DefaultServerOptions } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { echo } from '../src/echo.ts';
import { sessionOptions } from '../src/limits.ts';
import { DefaultRuntime, loadRuntime, RuntimeUnavailableError, runtimeNames } from '../src/runtimes/index.ts';
import { urlHost } from '../src/runtimes/node.ts';

describe('runtimes', () => {
  it('has node, the default', async () => {
    expect(DefaultRuntime).toBe('node');
    expect(runtimeNames).toEqual(['node']);
    const runtime = await loadRuntime('node');
    expect(runtime.name).toBe('node');
    // Follows @wskit/node: true once it has the `perMessageDeflate` option.
    expect(runtime.supportsDeflate).toBe('perMessageDeflate' in DefaultServerOptions);
  });

  it('refuses bun, not written yet, and unknown names, with RuntimeUnavailableError', async () => {
    await expect(loadRuntime('bun')).rejects.toThrow(RuntimeUnavailableError);
    await expect(loadRuntime('bun')).rejects.toThrow(/--runtime bun is not available yet/);
    await expect(loadRuntime('toString')).rejects.toThrow(/--runtime must be one of node/);
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
    expect(await echoed).toEqual(new Uint8Array([1, 2, 3]));
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

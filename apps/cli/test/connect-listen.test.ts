// `wskit connect` against `wskit listen`, both as a user runs them (node bin/wskit.mjs).
import { describe, expect, it } from 'vitest';
import { CERT, KEY, linesStarting, listen, wskit } from './helpers.ts';

describe('wskit listen --echo with wskit connect', () => {
  it('sends standard input lines, prints both directions, and closes with 1000 when input ends', async () => {
    const server = await listen(['--echo']);
    const client = wskit(['connect', `ws://127.0.0.1:${server.port}/echo?x=1`], { stdin: 'pipe' });
    await client.waitFor(/^connected: ws:\/\/127\.0\.0\.1:\d+\/echo\?x=1$/m);
    client.write('hello\nwörld ✓\n\n');
    await client.waitFor(/^< text: wörld ✓\n< text: \n/m);
    client.end();
    expect(await client.exited).toBe(0);
    expect(client.stdout().split('\n')).toEqual([
      `connected: ws://127.0.0.1:${server.port}/echo?x=1`,
      '> text: hello',
      '> text: wörld ✓',
      '> text: ',
      '< text: hello',
      '< text: wörld ✓',
      '< text: ',
      'closing: 1000 (normal closure)',
      'closed: 1000 (normal closure)',
      '',
    ]);
    expect(client.stderr()).toBe('');

    await server.waitFor(/^\[1\] closed: 1000 \(normal closure\)$/m);
    expect(server.stdout()).toMatch(/^\[1\] open: 127\.0\.0\.1:\d+ GET \/echo\?x=1$/m);
    expect(linesStarting(server.stdout(), '[1] ')).toEqual([
      expect.stringMatching(/^\[1\] open: /),
      '[1] < text: hello',
      '[1] > text: hello',
      '[1] < text: wörld ✓',
      '[1] > text: wörld ✓',
      '[1] < text: ',
      '[1] > text: ',
      '[1] closed: 1000 (normal closure)',
    ]);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain('SIGTERM: closing 0 connections with 1001 (going away)');
  });

  it('prints the echo of piped input before closing, waiting --wait for it', async () => {
    const server = await listen(['--echo']);
    const client = wskit(['connect', `127.0.0.1:${server.port}`, '--wait', '1000'], { stdin: 'one\ntwo\n' });
    expect(await client.exited).toBe(0);
    expect(linesStarting(client.stdout(), '< ')).toEqual(['< text: one', '< text: two']);
  });

  it('negotiates a subprotocol and closes with the --close code and reason', async () => {
    const server = await listen(['--echo', '-s', 'chat.v2', '--subprotocol', 'chat.v1']);
    const client = wskit(
      ['connect', server.url, '-s', 'chat.v1', '-s', 'chat.v3', '--close', '4001', 'all done', '--wait', '0'],
      { stdin: '' },
    );
    expect(await client.exited).toBe(0);
    expect(client.stdout()).toContain(`connected: ${server.url} (subprotocol: chat.v1)\n`);
    expect(client.stdout()).toContain('closing: 4001 (application code) "all done"\n');
    expect(client.stdout()).toMatch(/^closed: 4001 \(application code\)/m);
    await server.waitFor(/^\[1\] closed: 4001 \(application code\) "all done"$/m);
    expect(server.stdout()).toMatch(/^\[1\] open: .* \(subprotocol: chat\.v1\)$/m);
  });

  it('sends binary messages with --binary and prints them in hex', async () => {
    const server = await listen(['--echo']);
    const client = wskit(['connect', server.url, '--binary', '--wait', '1000'], { stdin: 'hello\n' });
    expect(await client.exited).toBe(0);
    expect(client.stdout()).toContain(
      '> binary, 5 bytes: 68 65 6c 6c 6f\n< binary, 5 bytes: 68 65 6c 6c 6f\n',
    );
    expect(server.stdout()).toContain('[1] < binary, 5 bytes: 68 65 6c 6c 6f\n');
  });

  it('pings every --ping ms, prints the pongs with their round trip, and closes on SIGINT', async () => {
    const server = await listen();
    const client = wskit(['connect', server.url, '--ping', '50', '--keep-open']);
    await client.waitFor(/^> ping\n< pong \(\d+\.\d ms\)\n> ping\n< pong \(\d+\.\d ms\)$/m);
    await server.waitFor(/^\[1\] < ping$/m);
    client.child.kill('SIGINT');
    expect(await client.exited).toBe(0);
    expect(client.stdout()).toContain('closing: 1000 (normal closure) "interrupted"\n');
    await server.waitFor(/^\[1\] closed: 1000 \(normal closure\) "interrupted"$/m);
  });

  it('broadcasts to the other clients, sends its standard input to every client, and closes them with 1001', async () => {
    const server = await listen(['--broadcast'], { stdin: 'pipe' });
    const ada = wskit(['connect', server.url, '--keep-open'], { stdin: 'pipe' });
    await server.waitFor(/^\[1\] open: /m);
    const bob = wskit(['connect', server.url, '--keep-open']);
    await server.waitFor(/^\[2\] open: /m);

    ada.write('to everyone else\n');
    await bob.waitFor(/^< text: to everyone else$/m);
    await server.waitFor(/^\[2\] > text: to everyone else$/m);

    server.write('from the server\n');
    await ada.waitFor(/^< text: from the server$/m);
    await bob.waitFor(/^< text: from the server$/m);
    expect(linesStarting(ada.stdout(), '< ')).toEqual(['< text: from the server']);

    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain('SIGINT: closing 2 connections with 1001 (going away)');
    for (const client of [ada, bob]) {
      expect(await client.exited).toBe(0);
      expect(client.stdout()).toContain('closed: 1001 (going away) "server shutting down"\n');
    }
  });

  it('serves wss: with --cert and --key; connect trusts it with --ca or --insecure, and refuses it otherwise', async () => {
    const server = await listen(['--echo', '--cert', CERT, '--key', KEY]);
    expect(server.url).toMatch(/^wss:/);
    const url = `wss://localhost:${server.port}/`;

    const trusted = wskit(['connect', url, '--ca', CERT, '--wait', '1000'], { stdin: 'secret\n' });
    expect(await trusted.exited).toBe(0);
    expect(trusted.stdout()).toContain('< text: secret\n');

    const insecure = wskit(['connect', url, '-k', '--wait', '0'], { stdin: '' });
    expect(await insecure.exited).toBe(0);

    const untrusted = wskit(['connect', url], { stdin: '' });
    expect(await untrusted.exited).toBe(1);
    expect(untrusted.stderr()).toMatch(/^wskit: TLS certificate not trusted: .*--ca <file>.*--insecure/m);
  });
});

// The room's broadcast logic, driven by @wskit/node clients (no browser).
import { randomBytes } from 'node:crypto';
import { isHandshakeFailedError } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { joinRoom, lastStats, startServer, waitFor } from './helpers.ts';

describe('the room', () => {
  it('welcomes a member with its name, the members and the history, and announces it to the others', async () => {
    const server = await startServer();
    const ada = await joinRoom(server, 'Ada');
    expect(ada.welcome.you.name).toBe('Ada');
    expect(ada.welcome.members.map((member) => member.name)).toEqual(['Ada']);
    expect(ada.welcome.history).toEqual([]);

    const bob = await joinRoom(server, 'Bob');
    expect(bob.welcome.members.map((member) => member.name)).toEqual(['Ada', 'Bob']);
    const join = await ada.next('join');
    expect(join.member).toEqual(bob.welcome.you);
    expect(bob.messages.some((message) => message.type === 'join')).toBe(false);
  });

  it('picks a name for a member without one and cleans the names it is given', async () => {
    const server = await startServer();
    const anonymous = await joinRoom(server);
    expect(anonymous.welcome.you.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    const messy = await joinRoom(server, '  Eve\n\t the\u0000great   and a name far too long  ');
    expect(messy.welcome.you.name).toBe('Eve the great and a name');
  });

  it('broadcasts a chat message to every member, the sender too, and keeps it for newcomers', async () => {
    const server = await startServer();
    const ada = await joinRoom(server, 'Ada');
    const bob = await joinRoom(server, 'Bob');
    const cid = await joinRoom(server, 'Cid');
    await ada.send({ type: 'chat', text: '  hello, room  ' });
    for (const client of [ada, bob, cid]) {
      const chat = await client.next('chat');
      expect(chat.text).toBe('hello, room');
      expect(chat.from).toEqual(ada.welcome.you);
    }
    const late = await joinRoom(server, 'Dee');
    expect(late.welcome.history.map((entry) => entry.text)).toEqual(['hello, room']);
  });

  it('echoes binary messages to their sender only, byte for byte, and announces a finished upload', async () => {
    const server = await startServer();
    const ada = await joinRoom(server, 'Ada');
    const bob = await joinRoom(server, 'Bob');
    const file = randomBytes(300_000);
    await ada.send({ type: 'upload', fileName: 'random.bin', size: file.length });
    for (let offset = 0; offset < file.length; offset += 65_536) {
      void ada.socket.send(file.subarray(offset, offset + 65_536));
    }
    const uploaded = await bob.next('uploaded');
    expect(uploaded).toMatchObject({ fileName: 'random.bin', size: file.length, from: ada.welcome.you });
    await waitFor(
      () => ada.binaries.reduce((sum, chunk) => sum + chunk.length, 0) === file.length,
      'the echo',
    );
    expect(Buffer.concat(ada.binaries).equals(file)).toBe(true);
    expect(ada.binaries).toHaveLength(5);
    expect(bob.binaries).toHaveLength(0);
  });

  it('answers a message it cannot read with an error and keeps the connection', async () => {
    const server = await startServer();
    const ada = await joinRoom(server, 'Ada');
    await ada.socket.send('not json');
    expect((await ada.next('error')).message).toBe('messages must be JSON');
    await ada.send({ type: 'dance' });
    expect((await ada.next('error')).message).toBe('unknown message type "dance"');
    await ada.send({ type: 'chat', text: '   ' });
    expect((await ada.next('error')).message).toBe('chat text is empty');
    await ada.send({ type: 'chat', text: 'x'.repeat(2001) });
    expect((await ada.next('error')).message).toMatch(/over 2000/);
    await ada.send({ type: 'upload', fileName: 'huge', size: 1e12 });
    expect((await ada.next('error')).message).toMatch(/upload size/);
    await ada.send({ type: 'chat', text: 'still here' });
    expect((await ada.next('chat')).text).toBe('still here');
  });

  it('broadcasts renames and departures', async () => {
    const server = await startServer();
    const ada = await joinRoom(server, 'Ada');
    const bob = await joinRoom(server, 'Bob');
    await bob.send({ type: 'rename', name: 'Robert' });
    const rename = await ada.next('rename');
    expect(rename).toMatchObject({ previous: 'Bob', member: { id: bob.welcome.you.id, name: 'Robert' } });
    bob.socket.close(1000);
    const leave = await ada.next('leave');
    expect(leave.member).toEqual({ id: bob.welcome.you.id, name: 'Robert' });
    await waitFor(() => server.room.size === 1, 'the room to shrink');
  });

  it('sends the live figures: connections, messages and bytes', async () => {
    const server = await startServer();
    const ada = await joinRoom(server, 'Ada');
    const bob = await joinRoom(server, 'Bob');
    await ada.send({ type: 'chat', text: 'counting' });
    await bob.next('chat');
    await ada.socket.send(new Uint8Array(1000));
    await waitFor(() => ada.binaries.length === 1, 'the echo');
    // The figures go out once a second; wait for a tick that saw all of the above.
    await waitFor(() => (lastStats(bob)?.messagesIn ?? 0) >= 2, 'the figures', 3000);
    const stats = lastStats(bob)!;
    expect(stats.connections).toBe(2);
    expect(stats.messagesIn).toBe(2);
    expect(stats.bytesIn).toBe(Buffer.byteLength('{"type":"chat","text":"counting"}') + 1000);
    expect(stats.bytesOut).toBeGreaterThan(1000);
    expect(stats.messagesPerSecond).toBeGreaterThanOrEqual(0);
  });

  it('refuses a WebSocket from another site, and takes one from its own page', async () => {
    const server = await startServer();
    const refused = await joinRoom(server, 'Mallory', { origin: 'https://evil.example' }).catch(
      (error) => error,
    );
    expect(isHandshakeFailedError(refused) && refused.status).toBe(403);
    const own = await joinRoom(server, 'Ada', { origin: `http://127.0.0.1:${server.port}` });
    expect(own.welcome.you.name).toBe('Ada');
  });

  it('closes every member with 1001 Going Away when the server stops', async () => {
    const server = await startServer();
    const ada = await joinRoom(server, 'Ada');
    const bob = await joinRoom(server, 'Bob');
    await server.close();
    expect(await ada.socket.closed).toMatchObject({
      code: 1001,
      reason: 'server shutting down',
      wasClean: true,
    });
    expect((await bob.socket.closed).code).toBe(1001);
  });
});

describe('the page files', () => {
  it('serves the page, its script and styles, with a content security policy', async () => {
    const server = await startServer();
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    const script = await fetch(new URL('/app.js', server.url));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const styles = await fetch(new URL('/style.css?v=1', server.url));
    expect(styles.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('keeps requests inside public/ and answers other methods and the bare endpoint', async () => {
    const server = await startServer();
    for (const path of ['/%2e%2e/package.json', '/..%2fpackage.json', '/missing.js', '/%E0%A4%A']) {
      expect((await fetch(`http://127.0.0.1:${server.port}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    const endpoint = await fetch(new URL('/ws', server.url));
    expect(endpoint.status).toBe(426);
    expect(endpoint.headers.get('upgrade')).toBe('websocket');
  });
});

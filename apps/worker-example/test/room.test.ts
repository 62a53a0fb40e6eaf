/**
 * The chat room (a Durable Object with WebSocket hibernation) inside real workerd (Miniflare):
 * members are @wskit/node clients on loopback; hibernation is forced with Miniflare's
 * `unsafeEvictDurableObject(…, { webSockets: 'hibernate' })` (workerd's own eviction, the sockets
 * kept by the runtime), and the room is seen to be a new instance afterwards.
 */
import { connect, type WebSocketSession } from '@wskit/node';
import type { Miniflare } from 'miniflare';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../scripts/bundle.ts';
import { roomClassName, runWorker, workerName } from '../scripts/miniflare.ts';
import type { RoomStatus } from '../src/worker.ts';

interface Event {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** A member: every JSON message it received, in order, and a way to wait for the next ones. */
class Member {
  readonly events: Event[] = [];
  readonly socket: WebSocketSession;
  #read = 0;
  #waiting: (() => void) | undefined;

  constructor(socket: WebSocketSession) {
    this.socket = socket;
    socket.on('message', (data) => {
      const text = String(data);
      this.events.push(text === 'pong' ? { type: 'pong' } : (JSON.parse(text) as Event));
      this.#waiting?.();
    });
  }

  /** The next event not read yet (waits for it). */
  async next(): Promise<Event> {
    while (this.#read === this.events.length) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no event within 5 s')), 5_000);
        this.#waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.events[this.#read++]!;
  }

  /** Whether every event received was read. */
  get idle(): boolean {
    return this.#read === this.events.length;
  }

  chat(text: string, to?: string): Promise<void> {
    return this.socket.send(
      JSON.stringify(to === undefined ? { type: 'chat', text } : { type: 'chat', text, to }),
    );
  }
}

describe('the chat room (a Durable Object with WebSocket hibernation) in workerd', () => {
  let worker: Miniflare;
  let origin: string;
  const sockets: WebSocketSession[] = [];

  beforeAll(async () => {
    worker = runWorker(await bundleWorker(), { bindings: { ROOM_MAX_MEMBERS: '3' } });
    const url = await worker.ready;
    origin = `127.0.0.1:${url.port}`;
  }, 30_000);

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.terminate();
  });

  afterAll(async () => {
    await worker?.dispose();
  });

  async function join(room: string, name: string): Promise<Member> {
    const socket = await connect(`ws://${origin}/rooms/${room}?name=${encodeURIComponent(name)}`);
    sockets.push(socket);
    return new Member(socket);
  }

  async function status(room: string): Promise<RoomStatus> {
    const response = await worker.dispatchFetch(`http://localhost/rooms/${room}`);
    expect(response.status).toBe(200);
    return (await response.json()) as RoomStatus;
  }

  /** Evicts the room's object the way the runtime hibernates it: its sockets stay open. */
  function hibernate(room: string): Promise<void> {
    return worker.unsafeEvictDurableObject(workerName, roomClassName, {
      name: room,
      webSockets: 'hibernate',
    });
  }

  it('welcomes members, tells the others, and broadcasts a chat message to all of them', async () => {
    const alice = await join('lobby', 'alice');
    expect(await alice.next()).toEqual({ type: 'welcome', you: 'alice', members: ['alice'] });
    const bob = await join('lobby', 'bob');
    expect(await bob.next()).toEqual({ type: 'welcome', you: 'bob', members: ['alice', 'bob'] });
    expect(await alice.next()).toEqual({ type: 'join', name: 'bob' });
    const carol = await join('lobby', 'carol');
    expect(await carol.next()).toMatchObject({ type: 'welcome', members: ['alice', 'bob', 'carol'] });
    expect(await alice.next()).toEqual({ type: 'join', name: 'carol' });
    expect(await bob.next()).toEqual({ type: 'join', name: 'carol' });

    for (let index = 0; index < 20; index++) await alice.chat(`hello ${index}`);
    for (const member of [alice, bob, carol]) {
      for (let index = 0; index < 20; index++) {
        expect(await member.next()).toMatchObject({ type: 'chat', from: 'alice', text: `hello ${index}` });
      }
    }

    // A message to one member (found by its tag) reaches it and its sender, nobody else.
    await bob.chat('psst', 'carol');
    expect(await carol.next()).toMatchObject({ type: 'chat', from: 'bob', text: 'psst', to: 'carol' });
    expect(await bob.next()).toMatchObject({ type: 'chat', from: 'bob', text: 'psst', to: 'carol' });
    await carol.chat('all');
    expect(await alice.next()).toMatchObject({ type: 'chat', from: 'carol', text: 'all' });

    // Another room is another object: nothing crosses over.
    const dave = await join('elsewhere', 'dave');
    expect(await dave.next()).toEqual({ type: 'welcome', you: 'dave', members: ['dave'] });
    expect((await status('lobby')).members).toEqual(['alice', 'bob', 'carol']);
  });

  it('keeps its members through hibernation: the woken room is a new instance with the same sockets', async () => {
    // One after the other: workerd 1.20260730 does not hibernate an object whose sockets were
    // accepted concurrently (cloudflare/workerd#6862), so neither would production.
    const ann = await join('hibernating', 'ann');
    const ben = await join('hibernating', 'ben');
    const cid = await join('hibernating', 'cid');
    const members = [ann, ben, cid];
    for (const member of members) await member.next(); // welcomed: accepted by the room
    const before = await status('hibernating');
    expect(before.members.sort()).toEqual(['ann', 'ben', 'cid']);

    await hibernate('hibernating');
    // The sockets were not closed: the runtime kept them while the object was gone.
    for (const member of members) expect(member.socket.readyState).toBe(1);

    // A message wakes the room (a new instance: the constructor ran again), which finds its members
    // and their names through the runtime (getWebSockets, attachments) and broadcasts to all.
    await ben.chat('still here?');
    for (const member of members) {
      let event = await member.next();
      while (event.type !== 'chat') event = await member.next(); // joins first
      expect(event).toMatchObject({ type: 'chat', from: 'ben', text: 'still here?' });
    }
    const after = await status('hibernating');
    expect(after.instance).not.toBe(before.instance);
    expect(after.members.sort()).toEqual(['ann', 'ben', 'cid']);

    // Tags survive too: a message to one member after a second hibernation.
    await hibernate('hibernating');
    await ann.chat('just you', 'cid');
    expect(await cid.next()).toMatchObject({ type: 'chat', from: 'ann', text: 'just you', to: 'cid' });
    expect(await ann.next()).toMatchObject({ type: 'chat', from: 'ann', text: 'just you', to: 'cid' });

    // A close delivered to a hibernated room wakes it to tell the others.
    await hibernate('hibernating');
    cid.socket.close(1000, 'bye');
    expect(await cid.socket.closed).toMatchObject({ code: 1000 });
    expect(await ann.next()).toEqual({ type: 'leave', name: 'cid' });
    // ben's next event is the leave: the message to cid did not reach him.
    expect(await ben.next()).toEqual({ type: 'leave', name: 'cid' });
  });

  it('answers ping with pong while hibernated (the runtime answers, the room sleeps on)', async () => {
    const eve = await join('pings', 'eve');
    await eve.next();
    await hibernate('pings');
    await eve.socket.send('ping');
    expect(await eve.next()).toEqual({ type: 'pong' });
  });

  it('refuses what is over its limits or malformed', async () => {
    const first = await join('limits', 'a');
    const second = await join('limits', 'b');
    const third = await join('limits', 'c');
    for (const [member, events] of [
      [first, 3],
      [second, 2],
      [third, 1],
    ] as const) {
      for (let index = 0; index < events; index++) await member.next(); // welcome and joins
    }
    // ROOM_MAX_MEMBERS is 3 in this test: a fourth is refused before the upgrade.
    await expect(join('limits', 'd')).rejects.toMatchObject({ status: 503 });
    await expect(join('other', ' ')).rejects.toMatchObject({ status: 400 }); // no name
    await expect(join('limits', 'a')).rejects.toMatchObject({ status: 409 }); // taken
    expect((await worker.dispatchFetch('http://localhost/rooms/a%2Fb')).status).toBe(404);
    expect((await worker.dispatchFetch(`http://localhost/rooms/${'x'.repeat(65)}`)).status).toBe(404);

    await first.socket.send('not json');
    expect(await first.next()).toEqual({ type: 'error', message: 'messages are JSON' });
    await first.chat('x', 'nobody');
    expect(await first.next()).toEqual({ type: 'error', message: 'no member named nobody' });
    await first.socket.send(JSON.stringify({ type: 'chat', text: 'x'.repeat(4096) }));
    expect(await first.socket.closed).toMatchObject({ code: 1009 });
    await second.socket.send(Uint8Array.of(1, 2, 3));
    expect(await second.socket.closed).toMatchObject({ code: 1003 });
    expect(await third.next()).toEqual({ type: 'leave', name: 'a' });
    expect(await third.next()).toEqual({ type: 'leave', name: 'b' });
  });

  it('takes in a wskit client running inside the Worker (@wskit/cloudflare over cloudflare:sockets)', async () => {
    const host = await join('mixed', 'host');
    await host.next();
    const target = `ws://${origin}/rooms/mixed?name=worker`;
    const message = JSON.stringify({ type: 'chat', text: 'from inside workerd' });
    const response = await worker.dispatchFetch(
      `http://localhost/?url=${encodeURIComponent(target)}&message=${encodeURIComponent(message)}`,
    );
    // The exchange route answers with the first message the room sent it: its welcome.
    const result = (await response.json()) as { received: string; closeCode: number };
    expect(JSON.parse(result.received)).toEqual({
      type: 'welcome',
      you: 'worker',
      members: ['host', 'worker'],
    });
    expect(result.closeCode).toBe(1000);
    expect(await host.next()).toEqual({ type: 'join', name: 'worker' });
    expect(await host.next()).toMatchObject({ type: 'chat', from: 'worker', text: 'from inside workerd' });
    expect(await host.next()).toEqual({ type: 'leave', name: 'worker' });
  });
});

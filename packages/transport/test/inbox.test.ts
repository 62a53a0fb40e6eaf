import { describe, expect, it } from 'vitest';
import { Inbox, type InboxReader } from '../src/inbox.js';

function host(): { host: ConstructorParameters<typeof Inbox>[1]; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    host: {
      inboxFull: () => calls.push('full'),
      inboxRoom: () => calls.push('room'),
      inboxTaken: () => calls.push('taken'),
    },
  };
}

const reader = (): InboxReader => ({ ended: () => {} });

describe('Inbox', () => {
  it('hands kept messages out in order, one by one or all at once, with the count and bytes kept', async () => {
    const { host: h } = host();
    const inbox = new Inbox(100, h);
    const owner = reader();
    for (const text of ['a', 'bb', 'ccc', 'dddd']) inbox.push(text);
    expect(inbox.length).toBe(4);
    expect(inbox.bytes).toBe(10);
    expect(await inbox.next(owner)).toEqual({ value: 'a', done: false });
    expect(await inbox.next(owner)).toEqual({ value: 'bb', done: false });
    expect(inbox.length).toBe(2);
    expect(inbox.bytes).toBe(7);
    inbox.push('e');
    expect(inbox.takeAll()).toEqual(['ccc', 'dddd', 'e']);
    expect(inbox.length).toBe(0);
    expect(inbox.bytes).toBe(0);
    // Empty again, then used again.
    inbox.push('f');
    expect(await inbox.next(owner)).toEqual({ value: 'f', done: false });
    expect(inbox.length).toBe(0);
    expect(inbox.takeAll()).toEqual([]);
  });

  it('says when it is full and when it has room again, as messages are taken one by one', async () => {
    const { host: h, calls } = host();
    const inbox = new Inbox(2, h);
    const owner = reader();
    inbox.push('a');
    inbox.push('b');
    expect(calls).toEqual(['full']);
    inbox.push('c'); // over the limit: still kept, no second signal
    expect(calls).toEqual(['full']);
    await inbox.next(owner);
    expect(calls).toEqual(['full', 'taken']);
    await inbox.next(owner);
    expect(calls).toEqual(['full', 'taken', 'room', 'taken']);
    expect(await inbox.next(owner)).toEqual({ value: 'c', done: false });
  });

  it('gives a message to a waiting reader first, and ends the waits of the close', async () => {
    const { host: h } = host();
    const inbox = new Inbox(10, h);
    let ended = 0;
    const owner: InboxReader = { ended: () => ended++ };
    const waiting = inbox.next(owner);
    expect(inbox.hasWaiters).toBe(true);
    inbox.push('x');
    expect(await waiting).toEqual({ value: 'x', done: false });
    expect(inbox.length).toBe(0);
    const last = inbox.next(owner);
    inbox.close();
    expect(await last).toEqual({ value: undefined, done: true });
    expect(ended).toBe(1);
  });
});

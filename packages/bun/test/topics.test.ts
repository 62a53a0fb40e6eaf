// Topics on the Bun server: the same TopicHub as every adapter (subscribe, publish from the server
// and from a socket, frames shared), over Bun.listen's sockets.
import { describe, expect, it } from 'bun:test';
import { connect, serve } from '@wskit/bun';
import { defer, until } from './helpers.js';

describe('topics on the Bun server', () => {
  it('delivers server and socket publishes to the subscribers, skipping the publishing socket', async () => {
    const server = serve({ hostname: '127.0.0.1' }, (ws) => {
      ws.on('message', (data) => {
        const text = String(data);
        if (text === 'sub') void ws.subscribe('room').then(() => ws.send('subscribed'));
        else ws.publish('room', text);
      });
    });
    defer(() => server.close());
    const url = `ws://127.0.0.1:${server.port}`;
    const clients = await Promise.all([connect(url), connect(url), connect(url)]);
    const received: string[][] = clients.map(() => []);
    clients.forEach((ws, index) => {
      defer(() => ws.terminate());
      ws.on('message', (data) => received[index]!.push(String(data)));
      void ws.send('sub');
    });
    await until(() => received.every((list) => list.includes('subscribed')));
    expect(server.topics.subscriberCount('room')).toBe(3);
    server.publish('room', 'from the server');
    void clients[0]!.send('from client 0');
    await until(() => received[1]!.length >= 3 && received[2]!.length >= 3 && received[0]!.length >= 2);
    expect(received[0]).toEqual(['subscribed', 'from the server']);
    expect(received[1]).toEqual(['subscribed', 'from the server', 'from client 0']);
    expect(received[2]).toEqual(['subscribed', 'from the server', 'from client 0']);
  });
});

/** The session's close step (issue 12): sends until our close frame is written, then WS_ERR_NOT_OPEN. */
import { isWebSocketError } from '@wskit/transport';
import { createWebSocketPair } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';

describe('the close step', () => {
  it('accepts sends until the close reply is written, then rejects them with WS_ERR_NOT_OPEN', async () => {
    const { client, server } = createWebSocketPair();
    const received: unknown[] = [];
    server.on('message', (data) => received.push(data));
    const answered = new Promise<unknown>((resolve) => {
      client.on('message', async () => {
        // A promise job later (as a `for await` loop answers), in the same turn as the server's
        // message and Close: still OPEN, and the answer goes before our reply.
        await Promise.resolve();
        resolve(client.send('answer').then(() => 'sent'));
      });
    });
    void server.send('question');
    server.close(4000, 'bye');
    expect(await answered).toBe('sent');
    const info = await client.closed;
    expect([info.code, info.wasClean]).toEqual([4000, true]);
    const late = await client.send('too late').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isWebSocketError(late) && late.code).toBe('WS_ERR_NOT_OPEN');
    await server.closed;
    expect(received).toEqual(['answer']);
  });
});

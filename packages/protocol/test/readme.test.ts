import { Connection } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';

// The README example, verbatim but for console.log turned into assertions.
describe('README example', () => {
  it('drives two engines over an in-memory pipe', () => {
    const clock = () => performance.now();
    const serverLog: unknown[] = [];

    const server: Connection = new Connection({
      role: 'server',
      clock,
      handler: {
        onMessage: (type, data) =>
          type === 'text' ? server.sendText(data.toUpperCase()) : server.sendBinary(data),
        onClose: (code, reason, wasClean) => serverLog.push(['server: closed', code, reason, wasClean]),
      },
    });

    const client = new Connection({ role: 'client', clock });

    const ended = new Set<Connection>();
    function pump(): void {
      for (let moved = true; moved; ) {
        moved = false;
        for (const [from, to] of [
          [client, server],
          [server, client],
        ] as const) {
          for (const bytes of from.dataToSend()) {
            to.receiveData(bytes.slice());
            moved = true;
          }
          if (from.shouldCloseTransport && !ended.has(from)) {
            ended.add(from);
            to.receiveEof();
            moved = true;
          }
        }
      }
    }

    client.sendText('hello');
    client.sendBinary(Uint8Array.of(1, 2, 3));
    pump();
    expect(client.events()).toEqual([
      { type: 'open' },
      { type: 'message', messageType: 'text', data: 'HELLO' },
      { type: 'message', messageType: 'binary', data: Uint8Array.of(1, 2, 3) },
    ]);

    client.sendClose(1000, 'done');
    pump();
    expect(serverLog).toEqual([['server: closed', 1000, 'done', true]]);
    expect(client.events()).toEqual([{ type: 'close', code: 1000, reason: '', wasClean: true }]);
    expect(client.state).toBe('CLOSED');
    expect(ended.has(client)).toBe(true);
    expect(ended.has(server)).toBe(true);
  });
});

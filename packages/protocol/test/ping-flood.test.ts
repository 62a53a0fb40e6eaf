/**
 * Automatic pongs are coalesced while they cannot be written (RFC 6455 §5.5.3: only the latest ping
 * needs an answer), and a peer that floods pings it never reads the answers to fails with 1008
 * (issue 17, measurement 1: a ping flood grew the server by hundreds of MiB of queued pongs).
 */
import { Connection, DefaultMaxPendingPings, isConnectionError } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { clientFrame, concat, FakeClock, toHex } from './helpers.js';

const ping = (payload: number[]) => clientFrame(0x89, Uint8Array.from(payload));

describe('automatic pongs', () => {
  it('answer each of the pings that came before the output was taken with its own pong (Autobahn 2.10)', () => {
    const server = new Connection({ role: 'server', clock: new FakeClock().read });
    server.receiveData(concat([ping([1]), ping([2]), ping([3])]));
    expect(toHex(concat(server.dataToSend()))).toBe('8a01018a01028a0103');
    expect(server.events().filter((event) => event.type === 'ping')).toHaveLength(3);
    server.receiveData(ping([4]));
    expect(toHex(concat(server.dataToSend()))).toBe('8a0104');
    expect(server.dataToSend()).toEqual([]);
  });

  it('hold at most 33 pongs however many pings wait: 32 separate ones, then one for the latest (RFC 6455 §5.5.3)', () => {
    const server = new Connection({ role: 'server', clock: new FakeClock().read });
    for (let index = 0; index < DefaultMaxPendingPings; index++) server.receiveData(ping([index & 0xff]));
    const output = toHex(concat(server.dataToSend()));
    const separate = Array.from({ length: 32 }, (_, index) => `8a01${index.toString(16).padStart(2, '0')}`);
    const latest = `8a01${((DefaultMaxPendingPings - 1) & 0xff).toString(16).padStart(2, '0')}`;
    expect(output).toBe(separate.join('') + latest);
    expect(server.state).toBe('OPEN');
  });

  it('fail with 1008 once more than maxPendingPings arrive before the pong could be written', () => {
    const server = new Connection({ role: 'server', clock: new FakeClock().read, maxPendingPings: 3 });
    server.receiveData(concat([ping([1]), ping([2]), ping([3])]));
    expect(server.state).toBe('OPEN');
    server.receiveData(ping([4]));
    const events = server.events();
    const error = events.find((event) => event.type === 'error');
    expect(error && isConnectionError(error.error) && error.error.code).toBe('WS_ERR_PING_FLOOD');
    // The close frame (1008), and no pong.
    expect(toHex(concat(server.dataToSend()))).toMatch(/^88..03f0/);
    expect(
      server
        .events()
        .concat(events)
        .find((event) => event.type === 'close'),
    ).toMatchObject({
      code: 1008,
    });
  });

  it('go before our close frame', () => {
    const server = new Connection({ role: 'server', clock: new FakeClock().read });
    server.receiveData(ping([7]));
    server.sendClose(1000);
    expect(toHex(concat(server.dataToSend()))).toBe('8a0107880203e8');
  });

  it('refuse a maxPendingPings that is not a positive integer', () => {
    for (const maxPendingPings of [0, -1, 1.5, Number.NaN]) {
      expect(() => new Connection({ role: 'server', clock: () => 0, maxPendingPings })).toThrow(RangeError);
    }
  });
});

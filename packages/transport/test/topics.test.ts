// The topic hub's pieces that need no sockets: offsets, envelopes, the in-process broker's refusal
// of recoverable topics, and the hub's option checks. Delivery over real sockets is tested in the
// runtime adapters (packages/node/test/topics.test.ts).
import { compareOffsets, defaultEnvelope, InProcessBroker, jsonEnvelope, TopicHub } from '@wskit/transport';
import { describe, expect, it } from 'vitest';

describe('compareOffsets', () => {
  it('orders Redis stream IDs numerically, time then sequence', () => {
    expect(compareOffsets('9-0', '10-0')).toBeLessThan(0);
    expect(compareOffsets('10-2', '10-10')).toBeLessThan(0);
    expect(compareOffsets('1733500000000-5', '1733500000000-5')).toBe(0);
    expect(compareOffsets('1733500000001-0', '1733500000000-99')).toBeGreaterThan(0);
  });
});

describe('envelopes', () => {
  it('the default sends fast messages as they are and wraps recoverable ones with their offset', () => {
    expect(defaultEnvelope({ kind: 'message', topic: 't', data: 'hi' })).toBe('hi');
    expect(defaultEnvelope({ kind: 'gap', topic: 't', since: 1, until: 2 })).toBeUndefined();
    expect(
      JSON.parse(defaultEnvelope({ kind: 'message', topic: 't', data: 'hi', offset: '5-0' }) as string),
    ).toEqual({
      topic: 't',
      data: 'hi',
      offset: '5-0',
    });
    expect(JSON.parse(defaultEnvelope({ kind: 'missed', topic: 't' }) as string)).toEqual({
      topic: 't',
      missed: true,
    });
  });

  it('the JSON envelope carries binary data as base64 and gaps', () => {
    expect(
      JSON.parse(jsonEnvelope({ kind: 'message', topic: 't', data: Uint8Array.of(1, 2, 255) }) as string),
    ).toEqual({
      topic: 't',
      binary: 'AQL/',
    });
    expect(JSON.parse(jsonEnvelope({ kind: 'gap', topic: 't', since: 1, until: 2 }) as string)).toEqual({
      topic: 't',
      gap: { since: 1, until: 2 },
    });
  });
});

describe('TopicHub', () => {
  it('the in-process broker refuses recoverable topics: it keeps no history', () => {
    const hub = new TopicHub({ broker: new InProcessBroker(), mode: () => 'recoverable' });
    expect(() => hub.publish('t', 'x')).toThrow(/keeps history/);
  });

  it('checks its options', () => {
    expect(() => new TopicHub({ backpressureLimit: -1 })).toThrow(RangeError);
    expect(() => new TopicHub({ backpressure: 'wait' as 'drop' })).toThrow(TypeError);
    expect(() => new TopicHub({ backpressureCloseCode: 1011 as 1013 })).toThrow(RangeError);
    expect(() => new TopicHub({ resumeBufferLimit: -1 })).toThrow(RangeError);
    expect(() => new TopicHub({ resumePageSize: 0 })).toThrow(RangeError);
    expect(new TopicHub({ resumeBufferLimit: 0, resumePageSize: 1 }).resumeBuffered).toBe(0);
  });
});

describe('publishing text received as bytes (decodeText: false)', () => {
  it('reaches subscribers as text, not binary', async () => {
    const hub = new TopicHub();
    const { createTransportPair } = await import('@wskit/transport/testing');
    const { openWebSocket } = await import('@wskit/transport');
    const pair = (decodeText: boolean) => {
      const transports = createTransportPair();
      return {
        server: openWebSocket(transports.server, { role: 'server', topics: hub, decodeText }),
        client: openWebSocket(transports.client, { role: 'client' }),
      };
    };
    const relay = pair(false);
    const listener = pair(true);
    listener.server.subscribe('room');
    const got = new Promise<unknown>((resolve) => listener.client.once('message', resolve));
    relay.server.on('message', (data) => relay.server.publish('room', data as Uint8Array));
    void relay.client.send('héllo');
    expect(await got).toBe('héllo');
    relay.client.close();
    listener.client.close();
    await Promise.all([relay.server.closed, listener.server.closed]);
  });
});

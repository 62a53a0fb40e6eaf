import { describe, expect, it } from 'vitest';
import { createDeferred } from '../src/deferred.js';
import { OutgoingQueue } from '../src/outgoing-queue.js';

/** An engine that records what it was handed, in order. */
function recordingEngine(): { engine: never; calls: string[] } {
  const calls: string[] = [];
  const engine = {
    sendBinary: (data: Uint8Array) => calls.push(`binary ${data.length}`),
    sendText: (text: string) => calls.push(`text ${text}`),
    sendEncodedText: (data: Uint8Array) => calls.push(`encoded ${data.length}`),
    startMessage: (type: string, data: Uint8Array) => calls.push(`start ${type} ${data.length}`),
    continueMessage: (data: Uint8Array) => calls.push(`continue ${data.length}`),
    endMessage: (data?: Uint8Array) => calls.push(`end ${data?.length ?? 0}`),
  };
  return { engine: engine as never, calls };
}

describe('OutgoingQueue', () => {
  it('keeps the order of messages, frames and streams, whether one entry or many are queued', () => {
    const queue = new OutgoingQueue();
    const { engine, calls } = recordingEngine();
    expect(queue.isEmpty).toBe(true);
    queue.pushMessage('text', 'a', 1, undefined, undefined);
    expect(queue.isEmpty).toBe(false);
    expect(queue.framesAtHead).toBe(false);
    queue.pushFrames([Uint8Array.of(1, 2)], 2);
    const stream = queue.openStream('binary');
    queue.pushMessage('binary', new Uint8Array(3), 3, undefined, undefined);
    expect(queue.bytes).toBe(6);

    // One unit at a time (budget 0): the text, then the frames stop the take.
    expect(queue.take(0, engine)).toEqual([]);
    expect(queue.lastTakeUnits).toBe(1);
    expect(calls).toEqual(['text a']);
    expect(queue.framesAtHead).toBe(true);
    queue.take(Number.POSITIVE_INFINITY, engine);
    expect(queue.lastTakeUnits).toBe(0);
    const into: Uint8Array[] = [];
    expect(queue.takeFrames(into)).toBe(1);
    expect(into).toEqual([Uint8Array.of(1, 2)]);

    // The stream holds its place: the binary message behind it waits for its end.
    void queue.pushFragment(stream, new Uint8Array(4), 4, false);
    queue.take(Number.POSITIVE_INFINITY, engine);
    expect(calls).toEqual(['text a', 'start binary 4']);
    void queue.pushFragment(stream, new Uint8Array(5), 5, true);
    queue.take(Number.POSITIVE_INFINITY, engine);
    expect(calls).toEqual(['text a', 'start binary 4', 'end 5', 'binary 3']);
    expect(queue.isEmpty).toBe(true);
    expect(queue.bytes).toBe(0);

    // Empty again: the next message is first, then one behind it.
    queue.pushMessage('text', 'b', 1, undefined, undefined);
    queue.pushMessage('text', 'c', 1, undefined, undefined);
    queue.take(Number.POSITIVE_INFINITY, engine);
    expect(calls.slice(-2)).toEqual(['text b', 'text c']);
    expect(queue.isEmpty).toBe(true);
  });

  it('puts a message sent after the first was taken behind those still queued', () => {
    const queue = new OutgoingQueue();
    const { engine, calls } = recordingEngine();
    queue.pushMessage('text', '1', 1, undefined, undefined);
    queue.pushMessage('text', '2', 1, undefined, undefined);
    queue.take(0, engine); // takes 1: 2 is first now
    queue.pushMessage('text', '3', 1, undefined, undefined);
    queue.take(Number.POSITIVE_INFINITY, engine);
    expect(calls).toEqual(['text 1', 'text 2', 'text 3']);
  });

  it('clear() rejects the promise of every queued unit, the first one included', async () => {
    const queue = new OutgoingQueue();
    const first = createDeferred();
    queue.pushMessage('text', 'a', 1, undefined, first);
    const second = createDeferred();
    queue.pushMessage('text', 'b', 1, undefined, second);
    const stream = queue.openStream('text');
    const fragment = queue.pushFragment(stream, new Uint8Array(1), 1, false);
    const error = new Error('gone');
    queue.clear(error);
    await expect(first.promise).rejects.toBe(error);
    await expect(second.promise).rejects.toBe(error);
    await expect(fragment).rejects.toBe(error);
    expect(queue.isEmpty).toBe(true);
    expect(queue.bytes).toBe(0);
    const alone = createDeferred();
    queue.pushMessage('text', 'c', 1, undefined, alone);
    queue.clear(error);
    await expect(alone.promise).rejects.toBe(error);
  });
});

/** The session driver's lifecycle table (issue 12): its invariants, and the phases a real session goes through. */

import {
  type CloseInfo,
  Session,
  type SessionHost,
  type SessionInput,
  SessionPhase,
  sessionStep,
  sessionTransitions,
} from '@wskit/transport';
import { createTransportPair } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';
import { sessionWrites } from '../src/session-lifecycle.js';
import { until } from './helpers.js';

const phases = Object.values(SessionPhase);
const inputs: SessionInput[] = [
  'close',
  'terminate',
  'writeTimeout',
  'endTransport',
  'graceExpired',
  'transportClosed',
  'engineClosed',
];

describe('the lifecycle table', () => {
  it('reports the close exactly once: only GONE → CLOSED on engineClosed', () => {
    for (const phase of phases) {
      for (const input of inputs) {
        const step = sessionStep(phase, input);
        if (step?.report) expect([phase, input, step.next]).toEqual(['GONE', 'engineClosed', 'CLOSED']);
        if (step?.next === 'CLOSED') expect(step.report).toBe(true);
      }
    }
    expect(Object.keys(sessionTransitions.CLOSED)).toEqual([]);
  });

  it('lets the transport close in every phase before GONE, and feeds the engine its end of stream then', () => {
    for (const phase of ['OPEN', 'CLOSING', 'ENDING', 'ABORTING'] as const) {
      expect(sessionStep(phase, 'transportClosed')).toEqual({ next: 'GONE', feedEof: true });
    }
  });

  it('never moves backwards, and writes stop once the transport is dropped', () => {
    const order = ['OPEN', 'CLOSING', 'ENDING', 'ABORTING', 'GONE', 'CLOSED'];
    for (const phase of phases) {
      for (const input of inputs) {
        const next = sessionStep(phase, input)?.next;
        if (next !== undefined) expect(order.indexOf(next)).toBeGreaterThanOrEqual(order.indexOf(phase));
      }
    }
    expect(phases.filter(sessionWrites)).toEqual(['OPEN', 'CLOSING', 'ENDING']);
  });

  it('drops the transport (abort) for terminate and the write timeout wherever it is still open', () => {
    for (const phase of ['OPEN', 'CLOSING', 'ENDING'] as const) {
      expect(sessionStep(phase, 'terminate')).toMatchObject({
        next: 'ABORTING',
        abort: true,
        dropQueue: true,
      });
      expect(sessionStep(phase, 'writeTimeout')).toMatchObject({ next: 'ABORTING', abort: true, fail: true });
    }
    expect(sessionStep('ENDING', 'graceExpired')).toEqual({ next: 'ABORTING', abort: true });
  });
});

/** A session over one end of an in-memory pair, recording what it reports. */
function sessionPair(): {
  client: Session;
  server: Session;
  closed: { client?: CloseInfo; server?: CloseInfo };
} {
  const pair = createTransportPair();
  const closed: { client?: CloseInfo; server?: CloseInfo } = {};
  const host = (side: 'client' | 'server'): SessionHost => ({
    message: () => {},
    messagePiece: () => {},
    ping: () => {},
    pong: () => {},
    error: () => {},
    drain: () => {},
    closed: (info) => {
      closed[side] = info;
    },
  });
  const client = new Session(pair.client, { role: 'client' }, host('client'));
  const server = new Session(pair.server, { role: 'server' }, host('server'));
  client.start(undefined);
  server.start(undefined);
  return { client, server, closed };
}

describe('a session goes through the phases', () => {
  it('close handshake: OPEN → CLOSING → ENDING → GONE → CLOSED, clean on both ends', async () => {
    const { client, server, closed } = sessionPair();
    expect(client.phase).toBe('OPEN');
    client.close(1000, 'done');
    expect(client.phase).toBe('CLOSING');
    expect(client.state).toBe('CLOSING');
    await until(() => closed.client !== undefined && closed.server !== undefined);
    expect([client.phase, server.phase]).toEqual(['CLOSED', 'CLOSED']);
    // The server's reply echoes the code (RFC 6455 §5.5.1), not the reason.
    expect(closed.client).toEqual({ code: 1000, reason: '', wasClean: true });
    expect(closed.server).toEqual({ code: 1000, reason: 'done', wasClean: true });
  });

  it('terminate: OPEN → ABORTING → CLOSED with 1006; a second terminate and a late close change nothing', async () => {
    const { client, server, closed } = sessionPair();
    client.terminate();
    expect(client.phase).toBe('ABORTING');
    client.terminate();
    client.close();
    expect(client.phase).toBe('ABORTING');
    await until(() => closed.client !== undefined && closed.server !== undefined);
    expect(client.phase).toBe('CLOSED');
    expect(closed.client).toMatchObject({ code: 1006, wasClean: false });
    expect(closed.server).toMatchObject({ code: 1006, wasClean: false });
    expect(server.phase).toBe('CLOSED');
  });
});

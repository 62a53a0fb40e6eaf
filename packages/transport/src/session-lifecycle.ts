/**
 * The session driver's lifecycle, as one table (like the engine's close handshake in
 * `@wskit/protocol`'s `state.ts`).
 *
 * The engine decides what goes on the wire; the session decides what happens to the transport: when
 * to end it, when to drop it, when the WebSocket is over. Every change goes through
 * {@link sessionStep}. A (phase, input) pair without a row changes nothing: the session's inputs
 * come from the application (`close()`, `terminate()`), the transport and the clock, and each may
 * arrive late, after the phase it mattered in (a `terminate()` after the transport closed is a
 * no-op, as the WebSocket API promises).
 */

/** The phases of a session. */
export const SessionPhase = {
  /** Messages flow; the application has not asked to close. */
  Open: 'OPEN',
  /** The application called `close()`: what it queued and our close frame were handed to the engine. */
  Closing: 'CLOSING',
  /**
   * The engine is done with the transport (both close frames, or a failure): `transport.close()`
   * was called and the grace timer runs (`closeTimeout`): a peer that never ends is cut off.
   */
  Ending: 'ENDING',
  /**
   * The transport is being dropped (`terminate()`, the write timeout, or the grace timer):
   * `transport.abort()` was called and nothing more is written.
   */
  Aborting: 'ABORTING',
  /** The transport closed. The engine got its end of stream and reports its close event. */
  Gone: 'GONE',
  /** The engine and the transport are both closed and the close was reported: the last phase. */
  Closed: 'CLOSED',
} as const;

/** One of the {@link SessionPhase} values. */
export type SessionPhase = (typeof SessionPhase)[keyof typeof SessionPhase];

/** What can happen to a session. */
export type SessionInput =
  /** The application starts the close handshake (`close()`). */
  | 'close'
  /** The application drops the connection (`terminate()`). */
  | 'terminate'
  /** The transport pushed back with no progress for `writeTimeout`. */
  | 'writeTimeout'
  /** The engine says the transport should end (`shouldCloseTransport`). */
  | 'endTransport'
  /** The transport did not close within `closeTimeout` after it was asked to. */
  | 'graceExpired'
  /** The transport reported `onClose`. */
  | 'transportClosed'
  /** The engine reported its close event (the code, the reason, whether it was clean). */
  | 'engineClosed';

/** What a step does besides changing phase; the session carries these effects out, in this order. */
export interface SessionStep {
  /** The phase after the input. */
  readonly next: SessionPhase;
  /** Queued messages not yet handed to the engine are rejected (`WS_ERR_CLOSED_BEFORE_SENT`). */
  readonly dropQueue?: true;
  /** The engine fails the connection with 1008 (Policy Violation), if it still takes data. */
  readonly fail?: true;
  /** `transport.abort()`: drop what is queued, close now. */
  readonly abort?: true;
  /** `transport.close()` and the grace timer. */
  readonly endTransport?: true;
  /** The engine gets its end of stream (the transport is gone; nothing more arrives). */
  readonly feedEof?: true;
  /** Timers stop, waiters are rejected and the close is reported to the API above. */
  readonly report?: true;
}

const abortNow: SessionStep = { next: 'ABORTING', dropQueue: true, abort: true };
const failAndAbort: SessionStep = { next: 'ABORTING', dropQueue: true, fail: true, abort: true };
const transportGone: SessionStep = { next: 'GONE', feedEof: true };
const endTransport: SessionStep = { next: 'ENDING', endTransport: true };

/** The transition table. A missing (phase, input) pair leaves the session as it is. */
export const sessionTransitions: {
  readonly [P in SessionPhase]: { readonly [I in SessionInput]?: SessionStep };
} = {
  OPEN: {
    close: { next: 'CLOSING' },
    terminate: abortNow,
    writeTimeout: failAndAbort,
    endTransport,
    transportClosed: transportGone,
  },
  CLOSING: {
    terminate: abortNow,
    writeTimeout: failAndAbort,
    endTransport,
    transportClosed: transportGone,
  },
  ENDING: {
    terminate: abortNow,
    writeTimeout: failAndAbort,
    graceExpired: { next: 'ABORTING', abort: true },
    transportClosed: transportGone,
  },
  ABORTING: {
    transportClosed: transportGone,
  },
  // The close is reported once both the engine and the transport are closed, whichever came last.
  GONE: {
    engineClosed: { next: 'CLOSED', dropQueue: true, report: true },
  },
  CLOSED: {},
};

/** The step for `input` in `phase`, or `undefined` when it changes nothing there. */
export function sessionStep(phase: SessionPhase, input: SessionInput): SessionStep | undefined {
  return sessionTransitions[phase][input];
}

/** Whether the session may still write to its transport in `phase`. */
export function sessionWrites(phase: SessionPhase): boolean {
  return phase === 'OPEN' || phase === 'CLOSING' || phase === 'ENDING';
}

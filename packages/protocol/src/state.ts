/**
 * The close handshake state machine (RFC 6455 §7), as one table.
 *
 * Every change of state goes through {@link transition}: a pair (state, input) either has a row here
 * or is not allowed. For inputs the local application causes (sending, closing, failing) a missing
 * row is the caller's misuse and the connection throws a `ProtocolUsageError`; the inputs the peer
 * or the clock cause have a row in every state where they can happen.
 */

/**
 * The states of a connection. The handshake is done elsewhere: a connection starts `OPEN`.
 *
 * @see RFC 6455 §4.1 and §7 (the WebSocket connection states) and the WHATWG `readyState`.
 */
export const ConnectionState = {
  /** Messages flow both ways (RFC 6455 §4.1, "the WebSocket Connection is established"). */
  Open: 'OPEN',
  /**
   * The peer's close frame arrived and ours is not sent yet (RFC 6455 §5.5.1: "after sending a Close
   * frame, the endpoint MUST NOT send any more data frames" binds the peer, not us): the half-closed
   * state. Nothing more is received, but the application may still send, so that its answers to
   * the messages that preceded the Close go out before our close frame. The reply is due: the I/O
   * layer writes it with `flushClose()` (or the application with its own status, `sendClose()`).
   */
  CloseReceived: 'CLOSE_RECEIVED',
  /**
   * The peer broke the protocol (RFC 6455 §7.1.7) and our failing close frame is due. Nothing more
   * is received; the messages that arrived before the bad frame are delivered first, and what the
   * application sends in answer to them goes out before the close frame (`flushClose()`).
   */
  Failing: 'FAILING',
  /** We sent a close frame and wait for the peer's (RFC 6455 §7.1.2): no more data may be sent. */
  Closing: 'CLOSING',
  /**
   * Both close frames were exchanged, or the connection failed (RFC 6455 §7.1.4, §7.1.7): nothing
   * more is sent or delivered; the transport is ended or about to be.
   */
  Closed: 'CLOSED',
} as const;

/** One of the {@link ConnectionState} values. */
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** What can happen to a connection: the inputs of the state machine. */
export type ConnectionInput =
  /** The application sends a data frame: a message or a fragment (RFC 6455 §5.6). */
  | 'sendData'
  /** The application (or the keepalive, or the auto-pong) sends a ping or a pong (RFC 6455 §5.5.2–3). */
  | 'sendControl'
  /** The application starts the closing handshake (RFC 6455 §7.1.2). */
  | 'sendClose'
  /** The peer's close frame arrived (RFC 6455 §7.1.5). */
  | 'receiveClose'
  /** The received bytes broke the protocol (a bad frame, bad UTF-8, a message too big; RFC 6455 §7.1.7). */
  | 'receiveError'
  /** The I/O layer writes the close frame that is due: the reply to the peer's, or the failing one. */
  | 'flushClose'
  /** The connection fails: a protocol error from the peer, an extension error, a keepalive timeout or `fail()` (RFC 6455 §7.1.7). */
  | 'fail'
  /** The transport reported end of stream (RFC 6455 §7.1.4). */
  | 'receiveEof'
  /** The peer did not answer our close frame in time. */
  | 'closeTimeout'
  /** A client waited long enough for the server to close the transport (RFC 6455 §7.1.1). */
  | 'transportTimeout';

/**
 * What a transition does besides changing state. The connection carries these effects out; they are
 * listed here so that the whole close handshake reads in one place.
 */
export interface Transition {
  /** The state after the input. */
  readonly next: ConnectionState;
  /**
   * The close frame this transition writes: `initiate` (the application's code and reason), `reply`
   * (echo the peer's code, or an empty payload when it sent none; RFC 6455 §5.5.1) or `fail` (the
   * failure's code and reason, RFC 6455 §7.1.7).
   */
  readonly writeClose?: 'initiate' | 'reply' | 'fail';

  /** Start the close handshake timeout (we sent close and wait for the peer's). */
  readonly armCloseTimeout?: true;
  /**
   * What the transport should do: `end` now (after the queued bytes), or `afterHandshake`: a server
   * ends it now, a client waits for the server to close it first, up to the close timeout
   * (RFC 6455 §7.1.1).
   */
  readonly transport?: 'end' | 'afterHandshake';
  /**
   * The close event this transition reports: `handshake` (the peer's code, or 1005 when it sent none;
   * clean), `failure` (the code we sent; not clean) or `abnormal` (1006; not clean; RFC 6455 §7.1.5).
   */
  readonly report?: 'handshake' | 'failure' | 'abnormal';
  /**
   * What this transition tells the application before the close event: `closeReceived` (the peer's
   * Close arrived, in wire order behind the messages before it) or `error` (the peer's failure, in
   * wire order too).
   */
  readonly announce?: 'closeReceived' | 'error';
  /** Queued outgoing messages not yet written are dropped (the transport is going away now). */
  readonly dropOutgoing?: true;
}

const stay = (state: ConnectionState): Transition => ({ next: state });

/** The transition table. A missing (state, input) pair is not allowed in that state. */
export const connectionTransitions: {
  readonly [S in ConnectionState]: { readonly [I in ConnectionInput]?: Transition };
} = {
  OPEN: {
    sendData: stay('OPEN'),
    sendControl: stay('OPEN'),
    sendClose: { next: 'CLOSING', writeClose: 'initiate', armCloseTimeout: true },
    receiveClose: { next: 'CLOSE_RECEIVED', announce: 'closeReceived' },
    receiveError: { next: 'FAILING', announce: 'error' },
    fail: { next: 'CLOSED', writeClose: 'fail', transport: 'end', report: 'failure', dropOutgoing: true },
    receiveEof: { next: 'CLOSED', transport: 'end', report: 'abnormal', dropOutgoing: true },
  },
  CLOSE_RECEIVED: {
    sendData: stay('CLOSE_RECEIVED'),
    sendControl: stay('CLOSE_RECEIVED'),
    // The application answers with its own status (websocket.dll's half-closed state, W9).
    sendClose: { next: 'CLOSED', writeClose: 'initiate', transport: 'afterHandshake', report: 'handshake' },
    flushClose: { next: 'CLOSED', writeClose: 'reply', transport: 'afterHandshake', report: 'handshake' },
    fail: { next: 'CLOSED', writeClose: 'fail', transport: 'end', report: 'failure', dropOutgoing: true },
    // The peer ended its side after its Close: our reply can still go (TCP half-close), then we end.
    receiveEof: { next: 'CLOSED', writeClose: 'reply', transport: 'end', report: 'handshake' },
  },
  FAILING: {
    sendData: stay('FAILING'),
    sendControl: stay('FAILING'),
    // Closing while the connection fails completes the failure: the failure's code is what is sent.
    sendClose: { next: 'CLOSED', writeClose: 'fail', transport: 'end', report: 'failure' },
    flushClose: { next: 'CLOSED', writeClose: 'fail', transport: 'end', report: 'failure' },
    fail: { next: 'CLOSED', writeClose: 'fail', transport: 'end', report: 'failure', dropOutgoing: true },
    receiveEof: { next: 'CLOSED', writeClose: 'fail', transport: 'end', report: 'failure' },
  },
  CLOSING: {
    sendControl: stay('CLOSING'),
    receiveClose: { next: 'CLOSED', transport: 'afterHandshake', report: 'handshake' },
    // Our close frame is already out: there is nothing left to answer, the failure ends it now.
    receiveError: { next: 'CLOSED', transport: 'end', report: 'failure', dropOutgoing: true },
    fail: { next: 'CLOSED', transport: 'end', report: 'failure', dropOutgoing: true },
    receiveEof: { next: 'CLOSED', transport: 'end', report: 'abnormal', dropOutgoing: true },
    closeTimeout: { next: 'CLOSED', transport: 'end', report: 'abnormal', dropOutgoing: true },
  },
  CLOSED: {
    receiveEof: { next: 'CLOSED', transport: 'end' },
    transportTimeout: { next: 'CLOSED', transport: 'end' },
  },
};

/** The transition for `input` in `state`, or `undefined` when the input is not allowed there. */
export function transition(state: ConnectionState, input: ConnectionInput): Transition | undefined {
  return connectionTransitions[state][input];
}

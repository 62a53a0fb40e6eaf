/**
 * What a fuzzing case is: the steps the peer takes, the events it expects back from the endpoint
 * under test (Autobahn|Testsuite's "expected" lists, by behaviour), and how the connection must close.
 */
import { bytes, type FrameSpec, Opcode } from './frames.ts';

/**
 * How a step's bytes go on the wire: `one` write (the endpoint reads them in one chunk: what exposes
 * wire-order bugs), one write per `frame`, or writes of N octets (Autobahn's "chops").
 */
export type Chop = 'one' | 'frame' | number;

/** One thing the peer does. */
export type Step =
  /** Writes frames. */
  | { readonly kind: 'send'; readonly frames: readonly FrameSpec[]; readonly chop?: Chop }
  /** Writes payload bytes `[from, to)` of one frame (the header goes with the first part). */
  | { readonly kind: 'part'; readonly frame: FrameSpec; readonly from: number; readonly to: number }
  /** Waits until the endpoint sent `events` events; records `timeout <label>` if it did not in `ms`. */
  | { readonly kind: 'await'; readonly events: number; readonly ms: number; readonly label: string }
  /** Waits `ms` (cut short if the endpoint closes); records `timeout <label>` if still open. */
  | { readonly kind: 'pause'; readonly ms: number; readonly label: string };

/** What the endpoint did, as the peer records it (Autobahn's `received`). */
export type FuzzEvent =
  | { readonly type: 'message'; readonly binary: boolean; readonly payload: Uint8Array }
  | { readonly type: 'pong'; readonly payload: Uint8Array }
  | { readonly type: 'ping'; readonly payload: Uint8Array }
  | { readonly type: 'timeout'; readonly label: string };

/** How the connection must end. */
export interface CloseExpectation {
  /** Whether the peer starts the closing handshake (Autobahn's `closedByMe`); else the endpoint must. */
  readonly peerCloses: boolean;
  /** The close codes the endpoint may send. */
  readonly codes: readonly number[];
  /** A close frame without a code is also right (only when the peer's own close had none, 7.3.1). */
  readonly emptyAllowed?: boolean;
  /** Both close frames and an orderly TCP end are required (Autobahn's `requireClean`). */
  readonly requireClean?: boolean;
}

/** One case. */
export interface FuzzCase {
  /** Autobahn's id (`5.15`), or `x.<name>` for the harness's own extra cases. */
  readonly id: string;
  readonly description: string;
  readonly steps: readonly Step[];
  /** The event lists that give each behaviour: `OK` always, `NON-STRICT` where Autobahn has one. */
  readonly expected: { readonly OK: readonly FuzzEvent[]; readonly 'NON-STRICT'?: readonly FuzzEvent[] };
  readonly close: CloseExpectation;
  /** Autobahn reports the case as INFORMATIONAL whatever happens (7.1.6, 7.13.x). */
  readonly informational?: boolean;
  /** Pongs are compared on their own, not interleaved with messages (control frames may go between). */
  readonly pongsApart?: boolean;
  /** Milliseconds to wait for the endpoint (echoes, its close, the TCP end); 3000 by default. */
  readonly timeout?: number;
}

// Builders, for the case table.

export const text = (payload: string | Uint8Array, fin = true, rsv = 0): FrameSpec => ({
  opcode: Opcode.text,
  payload: bytes(payload),
  fin,
  rsv,
});
export const binary = (payload: string | Uint8Array, fin = true, rsv = 0): FrameSpec => ({
  opcode: Opcode.binary,
  payload: bytes(payload),
  fin,
  rsv,
});
export const continuation = (payload: string | Uint8Array, fin = true): FrameSpec => ({
  opcode: Opcode.continuation,
  payload: bytes(payload),
  fin,
});
export const ping = (payload: string | Uint8Array = '', fin = true, rsv = 0): FrameSpec => ({
  opcode: Opcode.ping,
  payload: bytes(payload),
  fin,
  rsv,
});
export const pong = (payload: string | Uint8Array = '', fin = true): FrameSpec => ({
  opcode: Opcode.pong,
  payload: bytes(payload),
  fin,
});
export const frame = (opcode: number, payload: string | Uint8Array = '', rsv = 0): FrameSpec => ({
  opcode,
  payload: bytes(payload),
  rsv,
});

/** A close frame: no payload without `code`; `reason` as UTF-8 or raw bytes. */
export function closeFrame(code?: number, reason: string | Uint8Array = '', rsv = 0): FrameSpec {
  if (code === undefined) return { opcode: Opcode.close, payload: new Uint8Array(0), rsv };
  const reasonBytes = bytes(reason);
  const payload = new Uint8Array(2 + reasonBytes.length);
  payload[0] = code >> 8;
  payload[1] = code & 0xff;
  payload.set(reasonBytes, 2);
  return { opcode: Opcode.close, payload, rsv };
}

export const send = (frames: readonly FrameSpec[], chop: Chop = 'one'): Step => ({
  kind: 'send',
  frames,
  chop,
});

/** A message split into frames of `size` payload octets (at least one frame). */
export function fragments(opcode: number, payload: Uint8Array, size: number): FrameSpec[] {
  const frames: FrameSpec[] = [];
  for (let at = 0; at === 0 || at < payload.length; at += size) {
    const end = Math.min(at + size, payload.length);
    frames.push({
      opcode: at === 0 ? opcode : Opcode.continuation,
      payload: payload.subarray(at, end),
      fin: end === payload.length,
    });
    if (size === 0) break;
  }
  return frames;
}

export const textEvent = (payload: string | Uint8Array): FuzzEvent => ({
  type: 'message',
  binary: false,
  payload: bytes(payload),
});
export const binaryEvent = (payload: string | Uint8Array): FuzzEvent => ({
  type: 'message',
  binary: true,
  payload: bytes(payload),
});
export const pongEvent = (payload: string | Uint8Array = ''): FuzzEvent => ({
  type: 'pong',
  payload: bytes(payload),
});
export const timeoutEvent = (label: string): FuzzEvent => ({ type: 'timeout', label });

/** The endpoint must close (fail the connection) with `code`. */
export const endpointCloses = (code: number): CloseExpectation => ({ peerCloses: false, codes: [code] });
/** The peer closes with 1000 once the events are in; the endpoint answers 1000, cleanly. */
export const peerCloses = (codes: readonly number[] = [1000]): CloseExpectation => ({
  peerCloses: true,
  codes,
  requireClean: true,
});

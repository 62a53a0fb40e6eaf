/**
 * Runs one fuzzing case over an open WebSocket connection (after the handshake) and judges it the way
 * Autobahn|Testsuite does — behaviour from the events against the expected lists, close behaviour
 * from who closed, the code and cleanliness — plus the harness's strict checks: every frame the
 * endpoint sends is well-formed and masked as its role requires, a failing endpoint sends a close
 * frame with the right code (dropping TCP is not enough), nothing follows its close frame, and a
 * server ends the TCP connection itself.
 */
import type { Socket } from 'node:net';
import type { Chop, FuzzCase, FuzzEvent, Step } from './case-types.ts';
import { encodeFrame, FrameReader, type FrameSpec, Opcode, type ReceivedFrame } from './frames.ts';
import { isValidUtf8 } from './utf8-sequences.ts';

/** Autobahn's verdicts. */
export type Verdict = 'OK' | 'NON-STRICT' | 'FAILED' | 'INFORMATIONAL' | 'UNIMPLEMENTED';

/** How one case went. */
export interface CaseResult {
  readonly id: string;
  readonly verdict: Verdict;
  /** Autobahn's `behavior` (events) and `behaviorClose`. */
  readonly behavior: 'OK' | 'NON-STRICT' | 'FAILED';
  readonly behaviorClose: 'OK' | 'FAILED' | 'WRONG CODE' | 'UNCLEAN';
  /** Why the case is not OK, or, for an INFORMATIONAL case, what happened. */
  readonly problems: readonly string[];
  /** What the endpoint did, one line per event (`pong 9 B 7061…`; payloads over 24 B abridged). */
  readonly received: readonly string[];
  /** The endpoint's close code (`undefined`: no code or no close frame). */
  readonly closeCode: number | undefined;
  readonly milliseconds: number;
}

/** The endpoint under test's role: its frames must be masked when it is a client. */
export type Role = 'server' | 'client';

/** Milliseconds the peer waits for the expected events before it closes (the suite's `closeAfter(1)`). */
const EVENTS_WAIT = 1000;
/** Milliseconds the peer waits for the endpoint's close and the TCP end. */
const CLOSE_WAIT = 2000;

/** One event, described for a report line. */
function describeEvent(event: FuzzEvent): string {
  if (event.type === 'timeout') return `timeout ${event.label}`;
  const kind = event.type === 'message' ? (event.binary ? 'binary' : 'text') : event.type;
  const shown =
    event.payload.length <= 24
      ? Buffer.from(event.payload).toString('hex')
      : `${Buffer.from(event.payload.subarray(0, 12)).toString('hex')}…`;
  return `${kind} ${event.payload.length} B ${shown}`;
}

/** Events, described for a report line (long lists abridged). */
export function describeEvents(events: readonly FuzzEvent[]): string {
  const one = describeEvent;
  if (events.length > 6) {
    return `${events.length} events: ${events.slice(0, 3).map(one).join(', ')}, …, ${one(events.at(-1)!)}`;
  }
  return `[${events.map(one).join(', ')}]`;
}

function sameEvent(a: FuzzEvent, b: FuzzEvent): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'timeout' || b.type === 'timeout')
    return a.type === b.type && (a as { label: string }).label === (b as { label: string }).label;
  if (a.type === 'message' && b.type === 'message' && a.binary !== b.binary) return false;
  return Buffer.from(a.payload.buffer, a.payload.byteOffset, a.payload.length).equals(b.payload);
}

function sameEvents(got: readonly FuzzEvent[], want: readonly FuzzEvent[], pongsApart: boolean): boolean {
  if (pongsApart) {
    const isPong = (event: FuzzEvent) => event.type === 'pong';
    return (
      sameEvents(got.filter(isPong), want.filter(isPong), false) &&
      sameEvents(
        got.filter((event) => !isPong(event)),
        want.filter((event) => !isPong(event)),
        false,
      )
    );
  }
  return got.length === want.length && got.every((event, index) => sameEvent(event, want[index]!));
}

/** Writes `parts` as `chop` says; octet-wise chops of small payloads go out as separate segments. */
async function write(socket: Socket, parts: readonly Buffer[], chop: Chop): Promise<void> {
  if (chop === 'one') {
    socket.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    return;
  }
  const pieces: Buffer[] = [];
  if (chop === 'frame') pieces.push(...parts);
  else {
    const all = Buffer.concat(parts);
    for (let at = 0; at < all.length; at += chop) pieces.push(all.subarray(at, at + chop));
  }
  const separate = pieces.length <= 300;
  for (const piece of pieces) {
    if (socket.destroyed) return;
    const flushed = socket.write(piece);
    if (separate) await new Promise((resolve) => setImmediate(resolve));
    else if (!flushed) await new Promise((resolve) => socket.once('drain', resolve));
  }
}

/**
 * Runs `testCase` on `socket`, a connection to the endpoint past its handshake (`initial`: bytes
 * that came with the handshake's end). Ends or destroys the socket; never throws.
 */
export async function runCase(
  socket: Socket,
  testCase: FuzzCase,
  role: Role,
  initial?: Buffer,
): Promise<CaseResult> {
  const started = performance.now();
  const masked = role === 'server'; // the peer is the client then
  const problems: string[] = [];
  const problem = (text: string) => {
    if (!problems.includes(text)) problems.push(text);
  };
  const events: FuzzEvent[] = [];
  const reader = new FrameReader();
  let message: { binary: boolean; parts: Buffer[] } | undefined;
  let theirClose: { code: number | undefined; afterOurs: boolean } | undefined;
  let ourCloseSent = false;
  let ended = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const waitFor = (ready: () => boolean, ms: number): Promise<boolean> =>
    ready()
      ? Promise.resolve(true)
      : new Promise((resolve) => {
          const done = (value: boolean) => {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(value);
          };
          const check = () => {
            if (ready()) done(true);
          };
          const timer = setTimeout(() => done(ready()), ms);
          waiters.add(check);
        });
  const stopped = () => theirClose !== undefined || ended;

  const sendControl = (spec: FrameSpec) => {
    if (!socket.destroyed && socket.writable) socket.write(encodeFrame(spec, masked));
  };

  const onFrame = (received: ReceivedFrame) => {
    if (theirClose !== undefined) {
      problem(`a frame (opcode ${received.opcode}) after the close frame`);
      return;
    }
    if (received.masked !== (role === 'client')) {
      problem(role === 'client' ? 'an unmasked frame from the client' : 'a masked frame from the server');
    }
    if (received.rsv !== 0) problem(`a frame with RSV bits ${received.rsv}`);
    const { opcode, payload } = received;
    if (opcode >= 0x8) {
      if (!received.fin || payload.length > 125)
        problem(`a fragmented or oversized control frame (opcode ${opcode})`);
      if (opcode === Opcode.close) {
        if (payload.length === 1) problem('a close frame with a 1-octet payload');
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
        if (payload.length > 2 && !isValidUtf8(payload.subarray(2)))
          problem('a close reason that is not UTF-8');
        theirClose = { code, afterOurs: ourCloseSent };
        if (!ourCloseSent) {
          ourCloseSent = true;
          sendControl({ opcode: Opcode.close, payload: payload.subarray(0, 2) });
        }
        // As a server, the peer ends the TCP connection once both close frames went.
        if (role === 'client') socket.end();
      } else if (opcode === Opcode.ping) {
        events.push({ type: 'ping', payload });
        if (!ourCloseSent) sendControl({ opcode: Opcode.pong, payload });
      } else if (opcode === Opcode.pong) events.push({ type: 'pong', payload });
      else problem(`a frame with reserved opcode ${opcode}`);
      return;
    }
    if (opcode === Opcode.text || opcode === Opcode.binary) {
      if (message !== undefined) problem('a new data frame inside a fragmented message');
      message = { binary: opcode === Opcode.binary, parts: [] };
    } else if (opcode !== Opcode.continuation) {
      problem(`a frame with reserved opcode ${opcode}`);
      return;
    } else if (message === undefined) {
      problem('a continuation frame with nothing to continue');
      return;
    }
    message.parts.push(payload);
    if (!received.fin) return;
    const whole = message.parts.length === 1 ? message.parts[0]! : Buffer.concat(message.parts);
    if (!message.binary && !isValidUtf8(whole)) problem('a text message that is not UTF-8');
    events.push({ type: 'message', binary: message.binary, payload: whole });
    message = undefined;
  };

  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    for (const received of reader.push(chunk)) onFrame(received);
    notify();
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    ended = true;
    notify();
  });
  if (initial !== undefined && initial.length > 0) socket.emit('data', initial);
  socket.resume();

  // The steps, until the endpoint closes (the suite stops sending when the connection is not open).
  const encoded = new Map<FrameSpec, Buffer>();
  for (const step of testCase.steps as Step[]) {
    if (stopped()) break;
    if (step.kind === 'send') {
      // A close frame counts as the peer's close when it is one (not 3.7's, with RSV bits set).
      if (step.frames.some((spec) => spec.opcode === Opcode.close && !spec.rsv)) ourCloseSent = true;
      await write(
        socket,
        step.frames.map((spec) => encodeFrame(spec, masked)),
        step.chop ?? 'one',
      );
    } else if (step.kind === 'part') {
      let whole = encoded.get(step.frame);
      if (whole === undefined) {
        whole = encodeFrame(step.frame, masked);
        encoded.set(step.frame, whole);
      }
      const head = whole.length - step.frame.payload.length;
      socket.write(whole.subarray(step.from === 0 ? 0 : head + step.from, head + step.to));
    } else if (step.kind === 'await') {
      const count = step.events;
      if (!(await waitFor(() => events.length >= count || stopped(), step.ms)))
        events.push({ type: 'timeout', label: step.label });
    } else {
      await waitFor(stopped, step.ms);
      if (!stopped()) events.push({ type: 'timeout', label: step.label });
    }
  }
  const timeout = testCase.timeout ?? CLOSE_WAIT;
  if (!stopped() && !ourCloseSent && testCase.close.peerCloses) {
    // Like the suite: close once the expected events are in (or after the wait).
    const count = testCase.expected.OK.length;
    await waitFor(() => events.length >= count || stopped(), testCase.timeout ?? EVENTS_WAIT);
    if (!stopped()) {
      ourCloseSent = true;
      sendControl({ opcode: Opcode.close, payload: Uint8Array.of(0x03, 0xe8) });
    }
  }
  let droppedByPeer = false;
  if (!(await waitFor(() => ended, timeout))) {
    droppedByPeer = true;
    if (role === 'server') problem(`the server did not end the TCP connection within ${timeout} ms`);
    else problem(`the client did not close within ${timeout} ms`);
    socket.destroy();
  }
  if (reader.pending > 0) problem(`${reader.pending} octets of an incomplete frame at the end`);
  if (message !== undefined) problem('a fragmented message left unfinished');

  // Judging, as the suite does.
  const expected = testCase.expected;
  const pongsApart = testCase.pongsApart ?? false;
  let behavior: CaseResult['behavior'] = 'FAILED';
  if (sameEvents(events, expected.OK, pongsApart)) behavior = 'OK';
  else if (expected['NON-STRICT'] !== undefined && sameEvents(events, expected['NON-STRICT'], pongsApart))
    behavior = 'NON-STRICT';
  const closedByPeer = theirClose === undefined ? ourCloseSent : theirClose.afterOurs;
  const code = theirClose?.code;
  const clean = theirClose !== undefined && ourCloseSent && !droppedByPeer;
  let behaviorClose: CaseResult['behaviorClose'] = 'OK';
  const close = testCase.close;
  if (close.peerCloses !== closedByPeer) behaviorClose = 'FAILED';
  else if (close.requireClean && !clean) behaviorClose = 'UNCLEAN';
  else if (code !== undefined && !close.codes.includes(code)) behaviorClose = 'WRONG CODE';
  // The strict part.
  if (theirClose === undefined) problem('the endpoint ended the connection without a close frame');
  else if (code === undefined && !close.emptyAllowed)
    problem(`a close frame without a code, expected ${close.codes.join(' or ')}`);

  const expectation = `expected ${describeEvents(expected.OK)}${expected['NON-STRICT'] ? ` (NON-STRICT: ${describeEvents(expected['NON-STRICT'])})` : ''}`;
  const closeText =
    theirClose === undefined
      ? 'no close frame'
      : `close ${code ?? '(no code)'}${theirClose.afterOurs ? ' in reply' : ' first'}`;
  let verdict: Verdict;
  if (testCase.informational) {
    verdict = 'INFORMATIONAL';
    problems.unshift(`got ${describeEvents(events)}, ${closeText}`);
  } else {
    if (behavior !== 'OK') problems.unshift(`got ${describeEvents(events)}, ${expectation}`);
    if (behaviorClose === 'FAILED')
      problems.push(`${closeText}: the connection was closed by the wrong endpoint`);
    if (behaviorClose === 'UNCLEAN') problems.push(`${closeText}: not a clean close`);
    if (behaviorClose === 'WRONG CODE') problems.push(`${closeText}, expected ${close.codes.join(' or ')}`);
    if (behavior === 'FAILED' || behaviorClose !== 'OK') verdict = 'FAILED';
    else if (behavior === 'NON-STRICT') verdict = 'NON-STRICT';
    else verdict = problems.length > 0 ? 'FAILED' : 'OK';
  }
  return {
    id: testCase.id,
    verdict,
    behavior,
    behaviorClose,
    problems,
    received: events.map(describeEvent),
    closeCode: code,
    milliseconds: Math.round(performance.now() - started),
  };
}

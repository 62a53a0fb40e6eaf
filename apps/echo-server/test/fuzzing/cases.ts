/**
 * Autobahn|Testsuite cases 1 to 10 (all 301 sub-cases), written from the suite's case descriptions:
 * what each sends, how (in one chop, frame-wise or octet-wise chops), and what it expects. Where the
 * suite waits a fixed second to see whether the endpoint stays open, the harness waits for the
 * event it is waiting for instead (a pong, a close) so the run stays fast; see each group.
 */
import {
  binary,
  binaryEvent,
  type Chop,
  closeFrame,
  continuation,
  endpointCloses,
  type FuzzCase,
  type FuzzEvent,
  fragments,
  frame,
  peerCloses,
  ping,
  pong,
  pongEvent,
  type Step,
  send,
  text,
  textEvent,
  timeoutEvent,
} from './case-types.ts';
import { bytes, Opcode } from './frames.ts';
import { KOSME, utf8Groups } from './utf8-sequences.ts';

const HELLO = 'Hello, world!';
const KiB = 1024;
/** How long the harness waits for an event the suite waits a second for (a loaded machine is slow). */
const AWAIT = 3000;
const MiB = 1024 * 1024;

/** `size` bytes of `pattern` repeated. */
const filled = (size: number, pattern: string | number | Uint8Array) =>
  new Uint8Array(Buffer.alloc(size, typeof pattern === 'string' ? Buffer.from(pattern) : pattern));

/** The 9.x payloads: a pattern of prime length, so that a chunk echoed out of place shows. */
const TEXT_PATTERN = 'BAsd7&jh23*-.';
const BINARY_PATTERN = Uint8Array.from({ length: 251 }, (_, index) => (index * 37 + 11) & 0xff);

function framing(): FuzzCase[] {
  const sizes = [0, 125, 126, 127, 128, 65535, 65536];
  const cases: FuzzCase[] = [];
  for (const [group, binaryMessages] of [
    ['1.1', false],
    ['1.2', true],
  ] as const) {
    const kind = binaryMessages ? 'binary' : 'text';
    const make = (size: number) => filled(size, binaryMessages ? 0xfe : '*');
    const message = binaryMessages ? binary : text;
    const event = binaryMessages ? binaryEvent : textEvent;
    sizes.forEach((size, index) => {
      cases.push({
        id: `${group}.${index + 1}`,
        description: `Send ${kind} message with payload of length ${size}`,
        steps: [send([message(make(size))])],
        expected: { OK: [event(make(size))] },
        close: peerCloses(),
      });
    });
    cases.push({
      id: `${group}.8`,
      description: `Send ${kind} message with payload of length 65536, sent out in chops of 997 octets`,
      steps: [send([message(make(65536))], 997)],
      expected: { OK: [event(make(65536))] },
      close: peerCloses(),
    });
  }
  return cases;
}

function pings(): FuzzCase[] {
  const small = Uint8Array.of(0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff);
  const answered = (id: string, description: string, payload: Uint8Array | string, chop: Chop = 'one') => ({
    id,
    description,
    steps: [send([ping(payload)], chop)],
    expected: { OK: [pongEvent(payload)] },
    close: peerCloses(),
  });
  const tenPings = Array.from({ length: 10 }, (_, index) => `payload-${index}`);
  return [
    answered('2.1', 'Send ping without payload', ''),
    answered('2.2', 'Send ping with small text payload', HELLO),
    answered('2.3', 'Send ping with small binary (non UTF-8) payload', small),
    answered('2.4', 'Send ping with binary payload of 125 octets', filled(125, 0xfe)),
    {
      id: '2.5',
      description: 'Send ping with binary payload of 126 octets',
      steps: [send([ping(filled(126, 0xfe))])],
      expected: { OK: [] },
      close: endpointCloses(1002),
    },
    answered('2.6', 'Send ping with binary payload of 125 octets, in octet-wise chops', filled(125, 0xfe), 1),
    {
      id: '2.7',
      description: 'Send unsolicited pong without payload',
      steps: [send([pong()])],
      expected: { OK: [] },
      close: peerCloses(),
    },
    {
      id: '2.8',
      description: 'Send unsolicited pong with payload',
      steps: [send([pong('unsolicited pong payload')])],
      expected: { OK: [] },
      close: peerCloses(),
    },
    {
      id: '2.9',
      description: 'Send unsolicited pong with payload, then ping with payload',
      steps: [send([pong('unsolicited pong payload'), ping('ping payload')])],
      expected: { OK: [pongEvent('ping payload')] },
      close: peerCloses(),
    },
    ...[
      ['2.10', 'one'],
      ['2.11', 1],
    ].map(([id, chop]) => ({
      id: id as string,
      description: `Send 10 pings with payload${chop === 1 ? ', in octet-wise chops' : ''}`,
      steps: [
        send(
          tenPings.map((payload) => ping(payload)),
          chop as Chop,
        ),
      ],
      expected: { OK: tenPings.map((payload) => pongEvent(payload)) },
      close: peerCloses(),
    })),
  ];
}

/** A valid text message, a bad frame, a ping: the echo, then the endpoint fails with 1002, no pong. */
function echoThenFail(id: string, description: string, bad: ReturnType<typeof frame>, chop: Chop): FuzzCase {
  return {
    id,
    description,
    steps: [send([text(HELLO), bad, ping()], chop)],
    expected: { OK: [textEvent(HELLO)], 'NON-STRICT': [] },
    close: endpointCloses(1002),
  };
}

const failsWith = (id: string, description: string, steps: Step[], code = 1002): FuzzCase => ({
  id,
  description,
  steps,
  expected: { OK: [] },
  close: endpointCloses(code),
});

function reservedBits(): FuzzCase[] {
  return [
    failsWith('3.1', 'Send small text message with RSV = 1', [send([text(HELLO, true, 1)])]),
    echoThenFail(
      '3.2',
      'Send small text message, then again with RSV = 2, then ping',
      text(HELLO, true, 2),
      'one',
    ),
    echoThenFail('3.3', 'Same as 3.2 with RSV = 3, in frame-wise chops', text(HELLO, true, 3), 'frame'),
    echoThenFail('3.4', 'Same as 3.2 with RSV = 4, in octet-wise chops', text(HELLO, true, 4), 1),
    failsWith('3.5', 'Send small binary message with RSV = 5', [
      send([binary(Uint8Array.of(0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff), true, 5)]),
    ]),
    failsWith('3.6', 'Send ping with RSV = 6', [send([ping(HELLO, true, 6)])]),
    failsWith('3.7', 'Send close with RSV = 7', [send([closeFrame(undefined, '', 7)])]),
  ];
}

function opcodes(): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const [group, kind, first] of [
    ['4.1', 'non-control', 3],
    ['4.2', 'control', 11],
  ] as const) {
    cases.push(
      failsWith(`${group}.1`, `Send frame with reserved ${kind} opcode ${first}`, [send([frame(first)])]),
      failsWith(`${group}.2`, `Send frame with reserved ${kind} opcode ${first + 1} and non-empty payload`, [
        send([frame(first + 1, 'reserved opcode payload')]),
      ]),
      echoThenFail(
        `${group}.3`,
        `Send small text message, then frame with reserved ${kind} opcode ${first + 2}, then ping`,
        frame(first + 2),
        'one',
      ),
      echoThenFail(
        `${group}.4`,
        `Send small text message, then frame with reserved ${kind} opcode ${first + 3} and payload, then ping`,
        frame(first + 3, HELLO),
        'one',
      ),
      echoThenFail(
        `${group}.5`,
        `Send small text message, then frame with reserved ${kind} opcode ${first + 4} and payload, then ping, in octet-wise chops`,
        frame(first + 4, HELLO),
        1,
      ),
    );
  }
  return cases;
}

const CHOPS: readonly [Chop, string][] = [
  ['one', ''],
  ['frame', ', in frame-wise chops'],
  [1, ', in octet-wise chops'],
];

function fragmentation(): FuzzCase[] {
  const two = [text('fragment1', false), continuation('fragment2')];
  const cases: FuzzCase[] = [
    failsWith('5.1', 'Send ping fragmented into 2 fragments', [
      send([{ ...ping('fragment1'), fin: false }, continuation('fragment2')]),
    ]),
    failsWith('5.2', 'Send pong fragmented into 2 fragments', [
      send([{ ...pong('fragment1'), fin: false }, continuation('fragment2')]),
    ]),
  ];
  CHOPS.forEach(([chop, how], index) => {
    cases.push({
      id: `5.${3 + index}`,
      description: `Send text message fragmented into 2 fragments${how}`,
      steps: [send(two, chop)],
      expected: { OK: [textEvent('fragment1fragment2')] },
      close: peerCloses(),
    });
  });
  CHOPS.forEach(([chop, how], index) => {
    cases.push({
      id: `5.${6 + index}`,
      description: `Send text message fragmented into 2 fragments, one ping with payload in-between${how}`,
      steps: [send([two[0]!, ping('ping payload'), two[1]!], chop)],
      expected: { OK: [pongEvent('ping payload'), textEvent('fragment1fragment2')] },
      close: peerCloses(),
    });
  });
  for (const [first, fin] of [
    [9, true],
    [12, false],
  ] as const) {
    CHOPS.forEach(([chop, how], index) => {
      cases.push(
        failsWith(
          `5.${first + index}`,
          `Send text message after a continuation frame with FIN = ${fin} (nothing to continue)${how}`,
          [send([continuation('non-continuation payload', fin), text(HELLO)], chop)],
        ),
      );
    });
  }
  cases.push(
    {
      id: '5.15',
      description:
        'Send text message in 2 fragments, then a continuation with FIN = false (nothing to continue), then a text message, in one chop',
      steps: [
        send([
          text('fragment1', false),
          continuation('fragment2'),
          continuation('fragment3', false),
          text('fragment4'),
        ]),
      ],
      expected: { OK: [textEvent('fragment1fragment2')], 'NON-STRICT': [] },
      close: endpointCloses(1002),
    },
    ...[false, true].map((fin, index) =>
      failsWith(
        `5.${16 + index}`,
        `Repeated 2x: continuation with FIN = ${fin} (nothing to continue), then text message in 2 fragments`,
        [
          send(
            [0, 1].flatMap(() => [
              continuation('fragment1', fin),
              text('fragment2', false),
              continuation('fragment3'),
            ]),
          ),
        ],
      ),
    ),
    failsWith('5.18', 'Send text message in 2 fragments, both with opcode text, in one chop', [
      send([text('fragment1', false), text('fragment2')]),
    ]),
  );
  // 5.19/5.20: the suite waits 1 s after the first ping; the harness waits for its pong instead.
  const parts = ['fragment1', 'fragment2', 'fragment3', 'fragment4', 'fragment5'];
  for (const [id, chop] of [
    ['5.19', 'one'],
    ['5.20', 'frame'],
  ] as const) {
    cases.push({
      id,
      description: `Fragmented text message in 5 frames with 2 pings in between; the first pong must come before the rest is sent${chop === 'frame' ? ', in frame-wise chops' : ''}`,
      steps: [
        send([text(parts[0]!, false), continuation(parts[1]!, false), ping('pongme 1!')], chop),
        { kind: 'await', events: 1, ms: AWAIT, label: 'pong 1' },
        send(
          [
            continuation(parts[2]!, false),
            continuation(parts[3]!, false),
            ping('pongme 2!'),
            continuation(parts[4]!),
          ],
          chop,
        ),
      ],
      expected: { OK: [pongEvent('pongme 1!'), pongEvent('pongme 2!'), textEvent(parts.join(''))] },
      close: peerCloses(),
    });
  }
  return cases;
}

function utf8Handling(): FuzzCase[] {
  const echoed = (
    id: string,
    description: string,
    steps: Step[],
    payload: string | Uint8Array,
  ): FuzzCase => ({
    id,
    description,
    steps,
    expected: { OK: [textEvent(payload)] },
    close: peerCloses(),
  });
  const sample = 'Hello-µ@ßöäüàá-UTF-8!!';
  const invalidSample = Uint8Array.from([...KOSME, 0xed, 0xa0, 0x80, ...bytes('edited')]);
  const octetFrames = (payload: Uint8Array) => fragments(Opcode.text, payload, 1);
  const cases: FuzzCase[] = [
    echoed('6.1.1', 'Send text message of length 0', [send([text('')])], ''),
    echoed(
      '6.1.2',
      'Send fragmented text message, 3 fragments each of length 0',
      [send([text('', false), continuation('', false), continuation('')])],
      '',
    ),
    echoed(
      '6.1.3',
      'Send fragmented text message, 3 fragments, first and last of length 0',
      [send([text('', false), continuation('middle frame payload', false), continuation('')])],
      'middle frame payload',
    ),
    echoed('6.2.1', 'Send a valid UTF-8 text message in one fragment', [send([text(sample)])], sample),
    echoed(
      '6.2.2',
      'Send a valid UTF-8 text message in two fragments, split on a code point boundary',
      [send([text('Hello-µ@ßöä', false), continuation('üàá-UTF-8!!')])],
      sample,
    ),
    echoed(
      '6.2.3',
      'Send a valid UTF-8 text message in fragments of 1 octet',
      [send(octetFrames(bytes(sample)))],
      sample,
    ),
    echoed('6.2.4', 'Send κόσμε in fragments of 1 octet', [send(octetFrames(KOSME))], KOSME),
    failsWith('6.3.1', 'Send invalid UTF-8 text message unfragmented', [send([text(invalidSample)])], 1007),
    failsWith(
      '6.3.2',
      'Send invalid UTF-8 text message in fragments of 1 octet',
      [send(octetFrames(invalidSample))],
      1007,
    ),
  ];
  // 6.4.x: fail fast. The suite waits 1 s after each part to see whether the endpoint is still open.
  // Between frames (6.4.1, 6.4.2) the harness asks with a ping instead: the pong says "still open",
  // and no pong after the part that makes the text invalid says the endpoint failed on it.
  const payload = Uint8Array.from([...KOSME, 0xf4, 0x90, 0x80, 0x80, ...bytes('edited')]);
  const framed = (id: string, description: string, cuts: [number, number]): FuzzCase => ({
    id,
    description,
    steps: [
      send([text(payload.subarray(0, cuts[0]), false), ping('A')]),
      { kind: 'await', events: 1, ms: AWAIT, label: 'A' },
      send([continuation(payload.subarray(cuts[0], cuts[1]), false), ping('B')]),
      { kind: 'await', events: 2, ms: AWAIT, label: 'B' },
      send([continuation(payload.subarray(cuts[1]))]),
    ],
    expected: { OK: [pongEvent('A')], 'NON-STRICT': [pongEvent('A'), pongEvent('B')] },
    close: endpointCloses(1007),
  });
  // Within one frame (6.4.3, 6.4.4) there is no asking: a pause of 200 ms stands for the suite's 1 s.
  const chopped = (id: string, description: string, cuts: [number, number]): FuzzCase => {
    const whole = text(payload);
    return {
      id,
      description,
      steps: [
        { kind: 'part', frame: whole, from: 0, to: cuts[0] },
        { kind: 'pause', ms: 200, label: 'A' },
        { kind: 'part', frame: whole, from: cuts[0], to: cuts[1] },
        { kind: 'pause', ms: 1000, label: 'B' },
        { kind: 'part', frame: whole, from: cuts[1], to: payload.length },
      ],
      expected: { OK: [timeoutEvent('A')], 'NON-STRICT': [timeoutEvent('A'), timeoutEvent('B')] },
      close: endpointCloses(1007),
    };
  };
  cases.push(
    framed(
      '6.4.1',
      'Invalid UTF-8 text in 3 frames: valid, the invalid code point, the rest; fail fast',
      [11, 15],
    ),
    framed(
      '6.4.2',
      'As 6.4.1, the 2nd frame only up to the octet that makes the text invalid; fail fast',
      [12, 13],
    ),
    chopped('6.4.3', 'As 6.4.1, in 3 chops of one frame; fail fast', [11, 15]),
    chopped('6.4.4', 'As 6.4.2, in 3 chops of one frame; fail fast', [12, 13]),
  );
  utf8Groups.forEach((group, groupIndex) => {
    group.sequences.forEach(([valid, sequence], index) => {
      const id = `6.${groupIndex + 5}.${index + 1}`;
      const hex = Buffer.from(sequence).toString('hex');
      cases.push(
        valid
          ? echoed(id, `${group.title}: valid 0x${hex} in one fragment`, [send([text(sequence)])], sequence)
          : failsWith(id, `${group.title}: invalid 0x${hex} in one fragment`, [send([text(sequence)])], 1007),
      );
    });
  });
  return cases;
}

function closeHandling(): FuzzCase[] {
  const closes = (
    id: string,
    description: string,
    steps: Step[],
    expected: FuzzEvent[],
    codes = [1000],
  ): FuzzCase => ({
    id,
    description,
    steps,
    expected: { OK: expected },
    close: peerCloses(codes),
  });
  const kosmeInvalid = Uint8Array.from([...KOSME, 0xed, 0xa0, 0x80, ...bytes('edited')]);
  const large = filled(256 * KiB, 'BAsd7&jh23');
  const cases: FuzzCase[] = [
    closes(
      '7.1.1',
      'Send a message followed by a close frame',
      [send([text('Hello World!'), closeFrame(1000)])],
      [textEvent('Hello World!')],
    ),
    closes('7.1.2', 'Send two close frames', [send([closeFrame(1000), closeFrame(1000)])], []),
    closes(
      '7.1.3',
      'Send a ping after the close frame',
      [send([closeFrame(1000), ping('Hello World!')])],
      [],
    ),
    closes(
      '7.1.4',
      'Send a text message after the close frame',
      [send([closeFrame(1000), text('Hello World!')])],
      [],
    ),
    closes(
      '7.1.5',
      'Send fragment 1, then the close frame, then fragment 2',
      [send([text('fragment1', false), closeFrame(1000), continuation('fragment2')])],
      [],
    ),
    {
      id: '7.1.6',
      description: 'Send a 256 KiB message, a small one, the close frame, a ping, in one chop',
      steps: [send([text(large), text('Hello World!'), closeFrame(1000), ping()])],
      expected: { OK: [textEvent(large), textEvent('Hello World!')] },
      close: peerCloses(),
      informational: true,
    },
    {
      id: '7.3.1',
      description: 'Send a close frame with payload length 0 (no code, no reason)',
      steps: [send([closeFrame()])],
      expected: { OK: [] },
      close: { ...peerCloses(), emptyAllowed: true },
    },
    closes(
      '7.3.2',
      'Send a close frame with payload length 1',
      [send([{ ...closeFrame(), payload: bytes('a') }])],
      [],
      [1002],
    ),
    closes('7.3.3', 'Send a close frame with payload length 2 (a code)', [send([closeFrame(1000)])], []),
    closes(
      '7.3.4',
      'Send a close frame with a code and a reason',
      [send([closeFrame(1000, 'Hello World!')])],
      [],
    ),
    closes(
      '7.3.5',
      'Send a close frame with a code and a reason of 123 octets',
      [send([closeFrame(1000, '*'.repeat(123))])],
      [],
    ),
    closes(
      '7.3.6',
      'Send a close frame with a code and a reason of 124 octets (payload 126)',
      [send([closeFrame(1000, '*'.repeat(124))])],
      [],
      [1002],
    ),
    closes(
      '7.5.1',
      'Send a close frame with an invalid UTF-8 reason',
      [send([closeFrame(1000, kosmeInvalid)])],
      [],
      [1002, 1007],
    ),
  ];
  [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999].forEach((code, index) => {
    cases.push(
      closes(
        `7.7.${index + 1}`,
        `Send close with valid close code ${code}`,
        [send([closeFrame(code)])],
        [],
        [1000, code],
      ),
    );
  });
  [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999].forEach((code, index) => {
    cases.push(
      closes(
        `7.9.${index + 1}`,
        `Send close with invalid close code ${code}`,
        [send([closeFrame(code)])],
        [],
        [1002],
      ),
    );
  });
  [5000, 65535].forEach((code, index) => {
    cases.push({
      id: `7.13.${index + 1}`,
      description: `Send close with close code ${code}`,
      steps: [send([closeFrame(code)])],
      expected: { OK: [] },
      close: peerCloses([1000, code, 1002]),
      informational: true,
    });
  });
  return cases;
}

/** Cases 9.x at `scale` (1: the suite's sizes; a fraction for a quicker run: see `fuzzCases`). */
function limits(scale: number): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const size = (bytesCount: number) => Math.max(1, Math.round(bytesCount * scale));
  const payloads = new Map<string, Uint8Array>(); // one 4 MiB payload for the nine 9.3 cases, …
  const payloadOf = (binaryMessages: boolean, count: number) => {
    const key = `${binaryMessages}:${count}`;
    let payload = payloads.get(key);
    if (payload === undefined) {
      payload = filled(count, binaryMessages ? BINARY_PATTERN : TEXT_PATTERN);
      payloads.set(key, payload);
    }
    return payload;
  };
  const label = (count: number) =>
    count >= MiB ? `${count / MiB} MiB` : count >= KiB ? `${count / KiB} KiB` : `${count} B`;
  const big = { timeout: 60_000 };
  for (const binaryMessages of [false, true]) {
    const kind = binaryMessages ? 'binary' : 'text';
    const opcode = binaryMessages ? Opcode.binary : Opcode.text;
    const event = binaryMessages ? binaryEvent : textEvent;
    const offset = binaryMessages ? 1 : 0;
    [64 * KiB, 256 * KiB, MiB, 4 * MiB, 8 * MiB, 16 * MiB].forEach((full, index) => {
      const payload = payloadOf(binaryMessages, size(full));
      cases.push({
        id: `9.${1 + offset}.${index + 1}`,
        description: `Send ${kind} message of ${label(payload.length)}`,
        steps: [send([{ opcode, payload }])],
        expected: { OK: [event(payload)] },
        close: peerCloses(),
        ...big,
      });
    });
    [64, 256, KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, MiB, 4 * MiB].forEach((fragment, index) => {
      const payload = payloadOf(binaryMessages, size(4 * MiB));
      cases.push({
        id: `9.${3 + offset}.${index + 1}`,
        description: `Send fragmented ${kind} message of ${label(payload.length)} in fragments of ${label(fragment)}`,
        steps: [send(fragments(opcode, payload, fragment))],
        expected: { OK: [event(payload)] },
        close: peerCloses(),
        ...big,
      });
    });
    [64, 128, 256, 512, 1024, 2048].forEach((chop, index) => {
      const payload = payloadOf(binaryMessages, size(MiB));
      cases.push({
        id: `9.${5 + offset}.${index + 1}`,
        description: `Send ${kind} message of ${label(payload.length)} in chops of ${chop} octets`,
        steps: [send([{ opcode, payload }], chop)],
        expected: { OK: [event(payload)] },
        close: peerCloses(),
        ...big,
      });
    });
    [0, 16, 64, 256, 1024, 4096].forEach((length, index) => {
      const payload = payloadOf(binaryMessages, length);
      const steps: Step[] = [];
      for (let round = 1; round <= 1000; round++) {
        steps.push(send([{ opcode, payload }]), {
          kind: 'await',
          events: round,
          ms: 5000,
          label: `echo ${round}`,
        });
      }
      cases.push({
        id: `9.${7 + offset}.${index + 1}`,
        description: `Send 1000 ${kind} messages of ${length} B, each after the previous echo (round trips)`,
        steps,
        expected: { OK: Array.from({ length: 1000 }, () => event(payload)) },
        close: peerCloses(),
        ...big,
      });
    });
  }
  return cases;
}

function misc(): FuzzCase[] {
  const payload = filled(65536, '*');
  return [
    {
      id: '10.1.1',
      description: 'Send text message of 65536 octets auto-fragmented in frames of 1300 octets',
      steps: [send(fragments(Opcode.text, payload, 1300))],
      expected: { OK: [textEvent(payload)] },
      close: peerCloses(),
    },
  ];
}

/** The harness's own cases, beyond the suite: wire order with control frames between messages. */
export function extraCases(): FuzzCase[] {
  return [
    {
      id: 'x.wire.1',
      description: 'text, ping, binary, close in one chop: echo, pong, echo, close reply',
      steps: [send([text('one'), ping('p'), binary('two'), closeFrame(1001)])],
      expected: { OK: [textEvent('one'), pongEvent('p'), binaryEvent('two')] },
      close: peerCloses([1001, 1000]),
      pongsApart: true,
    },
  ];
}

/**
 * Every case of 1 to 10 in the suite's order (301), with the 9.x payloads scaled by `scale` (1: the
 * suite's sizes, up to 16 MiB).
 */
export function fuzzCases(scale = 1): FuzzCase[] {
  return [
    ...framing(),
    ...pings(),
    ...reservedBits(),
    ...opcodes(),
    ...fragmentation(),
    ...utf8Handling(),
    ...closeHandling(),
    ...limits(scale),
    ...misc(),
  ];
}

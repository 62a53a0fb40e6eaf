import { Opcode } from '@wskit/codec';
import { Connection, type ConnectionHandler } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { clientFrame, concat, FakeClock, fixedMaskKeys, Pipe, serverFrame, toHex } from './helpers.js';

/** A handler that records every callback as a tuple. */
function recorder() {
  const calls: unknown[][] = [];
  const handler: ConnectionHandler = {
    onOpen: () => calls.push(['open']),
    onMessage: (type, data) => calls.push(['message', type, data]),
    onMessagePiece: (type, data, final) => calls.push(['piece', type, new TextDecoder().decode(data), final]),
    onPing: (data) => calls.push(['ping', toHex(data)]),
    onPong: (data) => calls.push(['pong', toHex(data)]),
    onCloseReceived: (code, reason) => calls.push(['closeReceived', code, reason]),
    onClose: (code, reason, wasClean) => calls.push(['close', code, reason, wasClean]),
    onError: (error) => calls.push(['error', error.code]),
  };
  return { calls, handler };
}

describe('handler delivery', () => {
  it('calls the handler (typed by message type) and queues nothing', () => {
    const { calls, handler } = recorder();
    const connection = new Connection({ role: 'server', clock: new FakeClock().read, handler });
    connection.receiveData(
      concat([
        clientFrame(Opcode.Text, 'hi'),
        clientFrame(Opcode.Binary, Uint8Array.of(1, 2)),
        clientFrame(Opcode.Ping, Uint8Array.of(9)),
        clientFrame(Opcode.Pong, Uint8Array.of(8)),
        clientFrame(Opcode.Close, Uint8Array.of(0x03, 0xe9, 0x78)),
      ]),
    );
    expect(calls).toEqual([
      ['open'],
      ['message', 'text', 'hi'],
      ['message', 'binary', Uint8Array.of(1, 2)],
      ['ping', '09'],
      ['pong', '08'],
      ['closeReceived', 1001, 'x'],
    ]);
    connection.dataToSend(); // writes the close reply: the close callback follows
    expect(calls.at(-1)).toEqual(['close', 1001, 'x', true]);
    expect(connection.events()).toEqual([]);
  });

  it('narrows the data type from the message type', () => {
    const seen: string[] = [];
    const handler: ConnectionHandler = {
      onMessage(type, data) {
        if (type === 'text') seen.push(data.toUpperCase());
        else seen.push(`bytes:${data.byteLength}`);
      },
    };
    const connection = new Connection({ role: 'client', clock: new FakeClock().read, handler });
    connection.receiveData(concat([serverFrame(Opcode.Text, 'abc'), serverFrame(Opcode.Binary, 'xy')]));
    expect(seen).toEqual(['ABC', 'bytes:2']);
  });

  it('delivers pieces in pieces mode, with a ping between them', () => {
    const { calls, handler } = recorder();
    const connection = new Connection({
      role: 'client',
      clock: new FakeClock().read,
      handler,
      delivery: 'pieces',
    });
    connection.receiveData(
      concat([
        serverFrame(Opcode.Text, 'ab', false),
        serverFrame(Opcode.Ping),
        serverFrame(Opcode.Continuation, 'c'),
      ]),
    );
    expect(calls.slice(1)).toEqual([
      ['piece', 'text', 'ab', false],
      ['ping', ''],
      ['piece', 'text', 'c', true],
    ]);
  });

  it('a handler may send from inside a callback: an echo server', () => {
    const pipe = new Pipe();
    const echo = new Connection({
      role: 'server',
      clock: pipe.clock.read,
      handler: {
        onMessage: (type, data) => (type === 'text' ? echo.sendText(data) : echo.sendBinary(data)),
      },
    });
    const client = pipe.client.connection;
    client.sendText('ping me back');
    echo.receiveData(concat(client.dataToSend()));
    client.receiveData(concat(echo.dataToSend()));
    expect(client.events().at(-1)).toEqual({ type: 'message', messageType: 'text', data: 'ping me back' });
  });

  it('reports a failure as onError then onClose, once', () => {
    const { calls, handler } = recorder();
    const connection = new Connection({ role: 'server', clock: new FakeClock().read, handler });
    connection.receiveData(clientFrame(0x3));
    connection.receiveEof();
    expect(calls.slice(1)).toEqual([
      ['error', 'WS_ERR_INVALID_OPCODE'],
      ['close', 1002, 'Invalid opcode 0x3', false],
    ]);
  });
});

describe('bytes out', () => {
  it('a server text frame is one array with the exact RFC bytes', () => {
    const connection = new Connection({ role: 'server', clock: new FakeClock().read });
    connection.sendText('Hello');
    expect(connection.dataToSend().map(toHex)).toEqual(['810548656c6c6f']); // RFC 6455 §5.7
  });

  it('a large unmasked payload is the caller array itself, after its own header (vectored write)', () => {
    const connection = new Connection({ role: 'server', clock: new FakeClock().read });
    const payload = new Uint8Array(70_000);
    connection.sendBinary(payload);
    const out = connection.dataToSend();
    expect(out).toHaveLength(2);
    expect(toHex(out[0]!)).toBe('827f0000000000011170');
    expect(out[1]).toBe(payload); // no copy
    expect(connection.dataToSend()).toEqual([]);
  });

  it('a client masks with the key pool it was given', () => {
    const connection = new Connection({
      role: 'client',
      clock: new FakeClock().read,
      maskKeys: fixedMaskKeys(),
    });
    connection.sendText('Hello');
    expect(connection.dataToSend().map(toHex)).toEqual(['818537fa213d7f9f4d5158']); // RFC 6455 §5.7
  });

  it('fragments go out as RFC 6455 §5.7 shows, with FIN only on the last', () => {
    const connection = new Connection({ role: 'server', clock: new FakeClock().read });
    connection.startMessage('text', 'Hel');
    connection.endMessage('lo');
    expect(connection.dataToSend().map(toHex)).toEqual(['010348656c', '80026c6f']);
  });

  it('mask: false turns client masking off, for the websocket.dll-style property', () => {
    const connection = new Connection({ role: 'client', clock: new FakeClock().read, mask: false });
    connection.sendText('Hello');
    expect(connection.dataToSend().map(toHex)).toEqual(['810548656c6c6f']);
  });
});

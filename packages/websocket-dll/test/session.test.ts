import { Connection } from '@wskit/protocol';
import {
  E_INVALID_PROTOCOL_OPERATION,
  S_OK,
  WEB_SOCKET_BUFFER_TYPE,
  WEB_SOCKET_CLOSE_STATUS,
  WebSocketDeleteHandle,
  WebSocketReceive,
  WebSocketSend,
} from '@wskit/websocket-dll';
import { describe, expect, it } from 'vitest';
import { Action, concat, connectedPair, flushSend, receiveAll, receiveOne, text, utf8 } from './helpers.js';

const {
  WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE: UTF8_MESSAGE,
  WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE: BINARY_MESSAGE,
} = WEB_SOCKET_BUFFER_TYPE;

describe('websocket.dll client and server handles over a fake network', () => {
  it('echo: the server sends back what it receives, text and binary', () => {
    const { client, server, toServer, toClient } = connectedPair();
    for (const [type, payload] of [
      [UTF8_MESSAGE, utf8('hello, wörld')],
      [BINARY_MESSAGE, Uint8Array.of(0, 1, 2, 255)],
    ] as const) {
      expect(WebSocketSend(client, type, { data: payload }, 'client send')).toBe(S_OK);
      const sent = flushSend(client, toServer);
      expect(sent.map((step) => step.action)).toEqual([
        Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION,
        Action.WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION,
      ]);
      expect(sent.every((step) => step.applicationContext === 'client send')).toBe(true);

      const received = receiveOne(server, toServer, toClient).indication!;
      expect(received.bufferType).toBe(type);
      expect(received.buffers[0]!.data).toEqual(payload);

      expect(WebSocketSend(server, type, { data: received.buffers[0]!.data! })).toBe(S_OK);
      flushSend(server, toClient);
      const echoed = receiveOne(client, toClient, toServer).indication!;
      expect(echoed.bufferType).toBe(type);
      expect(echoed.buffers[0]!.data).toEqual(payload);
    }
  });

  it('a fragmented message keeps its pieces and order; the receiver sees FRAGMENT then MESSAGE', () => {
    const { client, server, toServer, toClient } = connectedPair();
    const parts = ['Hel', 'lo ', 'there'];
    parts.forEach((part, index) => {
      const type =
        index === parts.length - 1
          ? UTF8_MESSAGE
          : WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
      expect(WebSocketSend(client, type, { data: utf8(part) })).toBe(S_OK);
      flushSend(client, toServer);
    });
    const indications = receiveAll(server, toServer, toClient);
    expect(indications.map((step) => step.bufferType)).toEqual([
      WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
      WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
      UTF8_MESSAGE,
    ]);
    expect(text(concat(indications.map((step) => step.buffers[0]!.data!)))).toBe('Hello there');
  });

  it('W9 close started by the client: the server indicates CLOSE, may still send, and replies with its own status', () => {
    const { client, server, toServer, toClient } = connectedPair();
    const reason = utf8('bye');
    expect(WebSocketSend(client, UTF8_MESSAGE, { data: utf8('question') })).toBe(S_OK);
    flushSend(client, toServer);
    expect(
      WebSocketSend(client, WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_CLOSE_BUFFER_TYPE, {
        closeStatus: { status: WEB_SOCKET_CLOSE_STATUS.WEB_SOCKET_SUCCESS_CLOSE_STATUS, reason },
      }),
    ).toBe(S_OK);
    flushSend(client, toServer);
    // Only control frames after CLOSE.
    expect(WebSocketSend(client, UTF8_MESSAGE, { data: utf8('late') })).toBe(E_INVALID_PROTOCOL_OPERATION);

    // The server reads the message, then the close; the library writes nothing of its own.
    expect(text(receiveOne(server, toServer, toClient).indication!.buffers[0]!.data!)).toBe('question');
    const atServer = receiveOne(server, toServer, toClient);
    expect(atServer.indication!.bufferType).toBe(WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_CLOSE_BUFFER_TYPE);
    expect(atServer.indication!.buffers[0]!.closeStatus).toEqual({ status: 1000, reason });
    expect(atServer.steps.map((step) => step.action)).toEqual([
      Action.WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION,
    ]);
    expect(toClient.size).toBe(0);
    // Nothing more is received after the peer's close.
    expect(WebSocketReceive(server)).toBe(E_INVALID_PROTOCOL_OPERATION);

    // The half-closed state: the server answers the message, then sends the close reply itself, with
    // its own status and reason (not an echo of the client's).
    expect(WebSocketSend(server, UTF8_MESSAGE, { data: utf8('answer') })).toBe(S_OK);
    flushSend(server, toClient);
    expect(
      WebSocketSend(server, WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_CLOSE_BUFFER_TYPE, {
        closeStatus: { status: 4001, reason: utf8('mine') },
      }),
    ).toBe(S_OK);
    expect(flushSend(server, toClient).map((step) => [step.action, step.applicationContext])).toEqual([
      [Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION, undefined],
      [Action.WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION, undefined],
    ]);
    // The handshake is complete: nothing more may be sent.
    expect(WebSocketSend(server, UTF8_MESSAGE, { data: utf8('later') })).toBe(E_INVALID_PROTOCOL_OPERATION);

    const answer = receiveOne(client, toClient, toServer).indication!;
    expect(text(answer.buffers[0]!.data!)).toBe('answer');
    const atClient = receiveOne(client, toClient, toServer).indication!;
    expect(atClient.bufferType).toBe(WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_CLOSE_BUFFER_TYPE);
    expect(atClient.buffers[0]!.closeStatus).toEqual({ status: 4001, reason: utf8('mine') });
    WebSocketDeleteHandle(client);
    WebSocketDeleteHandle(server);
  });

  it('a close without a status is reported as 1005 (EMPTY) with no reason', () => {
    const { client, server, toServer, toClient } = connectedPair();
    expect(WebSocketSend(server, WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_CLOSE_BUFFER_TYPE)).toBe(S_OK);
    flushSend(server, toClient);
    expect(toClient.size).toBe(2); // 88 00: a close frame with an empty payload
    const atClient = receiveOne(client, toClient, toServer).indication!;
    expect(atClient.buffers[0]!.closeStatus).toEqual({
      status: WEB_SOCKET_CLOSE_STATUS.WEB_SOCKET_EMPTY_CLOSE_STATUS,
      reason: undefined,
    });
  });

  it('many messages both ways, with small receive buffers on both sides', () => {
    const { client, server, toServer, toClient } = connectedPair({
      client: [{ type: 0, value: 256 }],
      server: [{ type: 0, value: 256 }],
    });
    const messages = Array.from({ length: 20 }, (_, index) =>
      Uint8Array.from({ length: index * 97 }, (_, at) => (at * 7 + index) & 0xff),
    );
    for (const message of messages) {
      expect(WebSocketSend(client, BINARY_MESSAGE, { data: message })).toBe(S_OK);
      flushSend(client, toServer);
    }
    const pieces = receiveAll(server, toServer, toClient);
    expect(pieces.every((step) => step.buffers[0]!.data!.length <= 256)).toBe(true);
    const rebuilt: Uint8Array[] = [];
    let current: Uint8Array[] = [];
    for (const step of pieces) {
      current.push(step.buffers[0]!.data!);
      if (step.bufferType === BINARY_MESSAGE) {
        rebuilt.push(concat(current));
        current = [];
      }
    }
    expect(rebuilt).toEqual(messages);
  });

  it('messages that arrived together with the peer close are indicated first and answered before the close reply', () => {
    // A Connection client sends three messages (7-bit, 16-bit and 64-bit lengths) and its close at
    // once; the server handle reads through a 256-byte receive buffer, so headers straddle reads.
    const { server, toServer, toClient } = connectedPair({ server: [{ type: 0, value: 256 }] });
    const client = new Connection({ role: 'client', clock: () => 0 });
    client.events();
    // Sizes chosen so that the 2nd and 3rd headers straddle 256-byte reads and the close frame starts
    // on the last byte of one.
    const messages = [
      new Uint8Array(247).fill(1),
      new Uint8Array(500).fill(2),
      new Uint8Array(70_136).fill(3),
    ];
    for (const message of messages) client.sendBinary(message);
    client.sendClose(1000, 'all sent');
    for (const bytes of client.dataToSend()) toServer.write(bytes);

    // The echo: every piece goes back as it came, until the close.
    for (;;) {
      const { indication } = receiveOne(server, toServer, toClient);
      if (indication!.bufferType === WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_CLOSE_BUFFER_TYPE) {
        expect(indication!.buffers[0]!.closeStatus).toEqual({ status: 1000, reason: utf8('all sent') });
        // The reply is the application's, after its answers.
        expect(
          WebSocketSend(server, WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_CLOSE_BUFFER_TYPE, {
            closeStatus: { status: 1000 },
          }),
        ).toBe(S_OK);
        flushSend(server, toClient);
        break;
      }
      expect(WebSocketSend(server, indication!.bufferType!, { data: indication!.buffers[0]!.data! })).toBe(
        S_OK,
      );
      flushSend(server, toClient);
    }
    client.receiveData(toClient.take());
    const events = client.events();
    expect(
      events.filter((event) => event.type === 'message').map((event) => (event.data as Uint8Array).length),
    ).toEqual([247, 500, 70_136]);
    expect(events.at(-1)).toEqual({ type: 'close', code: 1000, reason: '', wasClean: true });
  });
});

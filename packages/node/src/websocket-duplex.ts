import { Buffer } from 'node:buffer';
import { Duplex, type DuplexOptions } from 'node:stream';
import { type WebSocket, WebSocketError } from '@wskit/transport';

/** The options of {@link createWebSocketStream}: `stream.Duplex`'s, but the writable side is never in object mode. */
export type WebSocketDuplexOptions = Omit<
  DuplexOptions,
  'objectMode' | 'writableObjectMode' | 'read' | 'write' | 'final' | 'destroy'
>;

/**
 * A `stream.Duplex` over an open WebSocket session, for code that pipes (what `ws`'s
 * `createWebSocketStream` gives): every chunk written is sent as a binary message, every message
 * received is pushed as its bytes (a text message as its UTF-8; with `readableObjectMode: true`,
 * as a string or a `Buffer` per message).
 *
 * - Backpressure both ways: a write's callback runs once the message was handed to the socket, and
 *   while the readable side is full the session stops reading (`ws.pause()`), so a slow consumer
 *   slows the peer down through TCP flow control; reading resumes when the consumer reads.
 * - `end()` closes the WebSocket (an empty close frame) once everything written was sent; the
 *   readable side ends when the WebSocket is closed.
 * - A failure of the WebSocket (its `error` event, or an unclean close) destroys the stream with
 *   that error; `destroy()` terminates the WebSocket unless it is closed already.
 */
export function createWebSocketStream(ws: WebSocket, options: WebSocketDuplexOptions = {}): Duplex {
  if (typeof ws?.on !== 'function' || typeof ws.pause !== 'function') {
    throw new TypeError('createWebSocketStream needs an open WebSocket session (from connect or a server)');
  }
  let failure: Error | undefined;
  let closed = false;
  const duplex = new Duplex({
    ...options,
    objectMode: false,
    writableObjectMode: false,
    read() {
      if (ws.isPaused) ws.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      ws.send(chunk).then(() => callback(), callback);
    },
    final(callback) {
      if (closed) {
        callback();
        return;
      }
      ws.close();
      void ws.closed.then(() => callback(failure));
    },
    destroy(error, callback) {
      if (closed) {
        callback(error);
        return;
      }
      void ws.closed.then(() => callback(error));
      ws.terminate();
    },
  });
  const objectMode = duplex.readableObjectMode;
  ws.on('message', (data) => {
    let chunk: string | Buffer;
    if (typeof data === 'string') chunk = objectMode ? data : Buffer.from(data, 'utf8');
    else chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (!duplex.push(chunk)) ws.pause();
  });
  ws.on('error', (error) => {
    failure ??= error;
  });
  void ws.closed.then(({ code, wasClean }) => {
    closed = true;
    if (duplex.destroyed) return;
    if (failure === undefined && !wasClean) {
      failure = new WebSocketError('WS_ERR_TRANSPORT', `The WebSocket connection closed uncleanly (${code})`);
    }
    if (failure !== undefined) duplex.destroy(failure);
    else duplex.push(null);
  });
  return duplex;
}

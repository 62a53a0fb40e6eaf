import type { Http2Session, Http2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { formatAddress } from '@wskit/transport';
import { nodeHttp2 } from './builtins.js';
import { NodeSocketTransport } from './node-socket-transport.js';

/** The options of an {@link Http2StreamTransport}. */
export interface Http2StreamTransportOptions {
  /**
   * The session belongs to this WebSocket alone (a client's `http2: true`): `unref()`/`ref()` apply
   * to it, and it is closed once the stream has closed.
   */
  readonly ownsSession?: boolean | undefined;
}

/**
 * The transport port over one HTTP/2 stream that carries a WebSocket (RFC 8441 §5): the stream
 * after an extended CONNECT and its 200, on either side. It is `NodeSocketTransport` over the
 * stream, which is a `Duplex` as a socket is, so that both paths share one adapter:
 *
 * - `write(chunks)` corks the stream around its `write`s (one DATA frame where flow control allows);
 *   `false` once `writableLength` reaches the stream's `writableHighWaterMark`, `onDrain` on its
 *   `'drain'`. HTTP/2 flow control (the peer's stream and connection windows) holds the bytes back
 *   in that buffer, so a slow reader pushes back on the session as a slow TCP peer does.
 * - `pause()`/`resume()` stop and restart reading; Node then stops acknowledging DATA, so the
 *   peer's window closes.
 * - A TCP FIN is the stream's END_STREAM flag and a TCP reset its RST_STREAM (RFC 8441 §6):
 *   `end()` sends END_STREAM, `abort()` resets the stream with CANCEL. The session and the other
 *   streams on it go on.
 */
export class Http2StreamTransport extends NodeSocketTransport {
  /** The stream this transport reads from and writes to. */
  readonly stream: Http2Stream;
  /** The peer's address: that of the HTTP/2 session's socket. */
  readonly #peer: string | undefined;
  readonly #ownsSession: boolean;
  #closing = false;

  constructor(stream: Http2Stream, options: Http2StreamTransportOptions = {}) {
    // The socket transport only uses what every Duplex has, and guards the socket-only calls
    // (setNoDelay, resetAndDestroy, unref) that a stream lacks.
    super(stream as unknown as Socket, { noDelay: false });
    this.stream = stream;
    const socket = sessionSocket(stream.session);
    this.#peer = formatAddress(socket?.remoteAddress, socket?.remotePort);
    this.#ownsSession = options.ownsSession === true;
    if (this.#ownsSession) {
      const session = stream.session;
      stream.once('close', () => {
        if (session !== undefined && !session.closed && !session.destroyed) session.close();
      });
    }
  }

  /** `host:port` of the peer (of the HTTP/2 connection), when known. */
  override get remoteAddress(): string | undefined {
    return this.#peer;
  }

  /**
   * Ends gracefully: END_STREAM after the queued bytes, then, once it is out, RST_STREAM with
   * NO_ERROR if the peer has not ended its side yet (RFC 9113 §8.1). That is the stream's "close the
   * TCP connection" (RFC 6455 §7.1.1: after the close handshake the server closes first): a peer that
   * waits for the stream to close, rather than for END_STREAM (undici), sees it at once.
   */
  override close(): void {
    super.close();
    if (this.#closing) return;
    this.#closing = true;
    const stream = this.stream;
    const release = () => {
      if (!stream.closed && !stream.destroyed) stream.close(nodeHttp2().constants.NGHTTP2_NO_ERROR);
    };
    if (stream.writableFinished) release();
    else stream.once('finish', release);
  }

  /** Resets the stream (RST_STREAM with CANCEL, RFC 8441 §6); the session stays open. */
  override abort(error?: Error): void {
    const stream = this.stream;
    if (stream.destroyed || stream.closed) {
      super.abort(error);
      return;
    }
    // Destroyed only once the reset is out: destroying at once would drop it.
    stream.close(nodeHttp2().constants.NGHTTP2_CANCEL, () => super.abort(error));
  }

  /** Lets the process exit while this WebSocket is open: its own session only (`http2: true`). */
  override unref(): void {
    if (this.#ownsSession) this.stream.session?.unref();
  }

  /** Undoes {@link unref}. */
  override ref(): void {
    if (this.#ownsSession) this.stream.session?.ref();
  }
}

/** The session's socket (a proxy Node hands out), when the session is still attached to one. */
function sessionSocket(session: Http2Session | undefined): Socket | undefined {
  try {
    return session?.socket as Socket | undefined;
  } catch {
    return undefined;
  }
}

/**
 * Echoing: every received message goes back with its type, as an Autobahn|Testsuite fuzzing peer
 * expects of the endpoint under test. Shared by the echo server and the Autobahn client
 * (`@wskit/echo-server/echo`).
 */
import type { CloseInfo, WebSocket } from '@wskit/transport';

/** What one echoed session did, for logs and tests. */
export interface EchoSummary extends CloseInfo {
  /** Messages echoed. */
  readonly messages: number;
  /** The error the session reported before it closed, if any (a protocol violation, a lost socket). */
  readonly error: Error | undefined;
}

/**
 * Echoes every message `session` receives, text as text and binary as binary, in order, until it
 * closes; resolves with what happened. Pings are answered by the session itself (`autoPong`).
 *
 * Messages are taken with async iteration and sent back with `write()` (no promise per message), so
 * a peer that sends faster than it reads our echoes is slowed down: while the echoes wait for the
 * socket (`write()` returned false: `needsDrain`), no message is taken, and the session stops
 * reading once `maxBufferedMessages` are kept. Binary messages go back without a copy
 * (the session's views may be kept).
 *
 * The echo server opens its sessions with `decodeText: false`, as any relay that does not read the
 * text would: a text message then arrives as an `EncodedText` (its UTF-8 bytes, validated as they
 * arrived, RFC 6455 §8.1) and `write()` sends those bytes back as text, with no decode to a string
 * and no re-encode (what `ws` does too). This function works the same with decoded strings.
 */
export async function echo(session: WebSocket): Promise<EchoSummary> {
  let messages = 0;
  let error: Error | undefined;
  session.on('error', (reported) => {
    error ??= reported;
  });
  for await (const data of session) {
    messages++;
    // No promise per message (`write`, not `send`): false when the socket pushes back (wait for
    // drain) or the session is closing (the echo is dropped; the close event tells that story).
    if (!session.write(data)) await session.drained();
  }
  const info = await session.closed;
  return { ...info, messages, error };
}

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
 * Echoes every message `session` receives, text as text and binary as binary, until it closes;
 * resolves with what happened. Pings are answered by the session itself (`autoPong`).
 *
 * The echo is sent from the `message` event, synchronously: a message that arrives just before the
 * peer's close frame is echoed before our close reply (Autobahn case 7.1.1 and its kind). A binary
 * message is sent back without a copy (the session's views may be kept).
 */
export function echo(session: WebSocket): Promise<EchoSummary> {
  let messages = 0;
  let error: Error | undefined;
  session.on('message', (data) => {
    messages++;
    // Rejects only when the session closed meanwhile; the close event tells that story.
    void session.send(data);
  });
  session.on('error', (reported) => {
    error ??= reported;
  });
  return session.closed.then((info) => ({ ...info, messages, error }));
}

/**
 * wskit's echo server written the event way, for the benchmark's "for await vs event style" rows:
 * the same runtime and listener as `apps/echo-server` (`@wskit/echo-server/runtimes`), the same
 * session options (text kept as validated UTF-8 bytes, `decodeText: false`, as the echo server's
 * default), but each message echoed from a `message` listener instead of async iteration.
 * Prints `{"type":"ready","port":…}` and stops when standard input ends.
 *
 *   node src/load/event-server.ts
 */
import { DefaultLimits, sessionOptions } from '@wskit/echo-server/limits';
import { loadRuntime } from '@wskit/echo-server/runtimes';

const runtime = await loadRuntime('node');
const listener = await runtime.listen({
  host: '127.0.0.1',
  port: 0,
  // As apps/echo-server by default: text echoed as its validated bytes, not decoded and re-encoded
  // (without this, the text rows compared a decoding server with one that does not decode).
  session: { decodeText: false, ...sessionOptions(DefaultLimits) },
  deflate: false,
  onConnection(session) {
    session.on('error', () => {});
    // No promise per message, as in apps/echo-server's `echo`.
    session.on('message', (data) => session.write(data));
  },
});
process.stdout.write(`${JSON.stringify({ type: 'ready', port: listener.port })}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

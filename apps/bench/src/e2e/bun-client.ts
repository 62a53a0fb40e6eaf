/**
 * A Bun echo client process (run with the `bun` binary): one run of the load generator with
 * wskit's `connect` from `@wskit/bun`, or Bun's native global `WebSocket`. Prints
 * `{"type":"result","result":LoadResult}`.
 *
 *   bun src/e2e/bun-client.ts '{"client":"bun-native","port":8080,"connections":1,…}'
 */
import { connect } from '@wskit/bun';
import { type EchoConnection, type OpenConnection, runLoad } from './load.ts';
import { binaryPayload, textPayload } from './payloads.ts';
import { type ClientRequest, readRequest, say } from './protocol.ts';

const ignore = (): void => {};

function opener(request: ClientRequest): OpenConnection {
  if (request.deflate) throw new Error('the Bun runs are not measured with permessage-deflate');
  const url = `ws://127.0.0.1:${request.port}/`;
  const payload = request.text ? textPayload(request.payloadBytes) : binaryPayload(request.payloadBytes);
  if (request.client === 'bun-wskit') {
    return async (onEcho) => {
      const ws = await connect(url);
      ws.on('message', onEcho);
      ws.on('error', ignore);
      return {
        send: () => {
          ws.write(payload); // no promise per message
        },
        close: async () => {
          ws.close(1000);
          await ws.closed;
        },
      };
    };
  }
  if (request.client === 'bun-native') {
    return (onEcho) =>
      new Promise<EchoConnection>((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.binaryType = 'arraybuffer';
        ws.onerror = () => reject(new Error('Bun WebSocket error'));
        ws.onmessage = onEcho;
        ws.onopen = () =>
          resolve({
            send: () => ws.send(payload),
            close: () =>
              new Promise<void>((closed) => {
                ws.onclose = () => closed();
                ws.close(1000);
              }),
          });
      });
  }
  throw new Error(`not a Bun client: ${request.client}`);
}

try {
  const request = readRequest<ClientRequest>();
  const result = await runLoad(opener(request), request);
  say({ type: 'result', result });
  process.exit(0);
} catch (error) {
  say({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}

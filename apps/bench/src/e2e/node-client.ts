/**
 * A Node echo client process: one run of the load generator with wskit's `connect`, ws's client
 * (with or without bufferutil: the parent sets `WS_NO_BUFFER_UTIL`), undici's `WebSocket` (Node's
 * global one) or a raw `net` socket. Prints `{"type":"result","result":LoadResult}`.
 *
 *   node src/e2e/node-client.ts '{"client":"wskit","port":8080,"connections":1,"depth":16,…}'
 */
import { connect as connectTcp } from 'node:net';
import { connect as connectWskit } from '@wskit/node';
import WebSocket from 'ws';
import { type EchoConnection, type OpenConnection, runLoad } from './load.ts';
import { binaryPayload, textPayload } from './payloads.ts';
import { type ClientRequest, readRequest, say } from './protocol.ts';

const ignore = (): void => {};
const PERMESSAGE_DEFLATE = /permessage-deflate/;

/** The opener of connections of a request's client. */
function opener(request: ClientRequest): OpenConnection {
  const url = `ws://127.0.0.1:${request.port}/`;
  const payload = request.text
    ? textPayload(request.payloadBytes)
    : Buffer.from(binaryPayload(request.payloadBytes));
  const checkExtensions = (extensions: string): void => {
    if (request.deflate !== PERMESSAGE_DEFLATE.test(extensions))
      throw new Error(
        `permessage-deflate ${request.deflate ? 'not agreed' : 'agreed unasked'}: '${extensions}'`,
      );
  };

  switch (request.client) {
    case 'wskit':
      return async (onEcho) => {
        const ws = await connectWskit(url, { perMessageDeflate: request.deflate, proxy: false });
        checkExtensions(ws.extensions);
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
    case 'ws':
    case 'ws-bufferutil':
      return (onEcho) =>
        new Promise<EchoConnection>((resolve, reject) => {
          const ws = new WebSocket(url, { perMessageDeflate: request.deflate });
          ws.on('error', reject);
          ws.on('message', onEcho);
          ws.on('open', () => {
            checkExtensions(ws.extensions);
            resolve({
              send: () => ws.send(payload),
              close: () =>
                new Promise<void>((closed) => {
                  ws.on('close', () => closed());
                  ws.close(1000);
                }),
            });
          });
        });
    case 'undici':
      if (request.deflate) throw new Error('undici is not measured with permessage-deflate');
      return (onEcho) =>
        new Promise<EchoConnection>((resolve, reject) => {
          const ws = new globalThis.WebSocket(url);
          ws.binaryType = 'arraybuffer';
          ws.onerror = () => reject(new Error('undici WebSocket error'));
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
    case 'tcp':
      return (onEcho) =>
        new Promise<EchoConnection>((resolve, reject) => {
          const size = request.payloadBytes;
          const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
          let received = 0;
          const socket = connectTcp({ host: '127.0.0.1', port: request.port, noDelay: true });
          socket.on('error', reject);
          // The same byte counts framed without WebSocket: every `size` bytes back is one echo.
          socket.on('data', (chunk) => {
            received += chunk.length;
            while (received >= size) {
              received -= size;
              onEcho();
            }
          });
          socket.on('connect', () =>
            resolve({
              send: () => {
                socket.write(bytes);
              },
              close: () =>
                new Promise<void>((closed) => {
                  socket.on('close', () => closed());
                  socket.end();
                }),
            }),
          );
        });
    default:
      throw new Error(`not a Node client: ${request.client}`);
  }
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

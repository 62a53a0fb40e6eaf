/// <reference types="node" />
/**
 * Microsoft's WinHTTP WebSocket sample flow against ws's server and @wskit/node's, over TCP and TLS,
 * with the callback API and with the Promise layer.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer as WskitServer } from '@wskit/node';
import {
  connectWinHttpWebSocket,
  ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
  ERROR_WINHTTP_SECURE_FAILURE,
  isWinHttpError,
  WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_SECURE_FAILURE,
  WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
  WinHttpSendRequest,
} from '@wskit/winhttp';
import { describe, expect, it } from 'vitest';
import { defer, openRequest, startRawServer, startWskitServer, startWsServer } from './helpers.js';
import { expectedCompletions, helloWorld, runSample } from './sample-flow.js';

const fixtures = new URL('./fixtures/', import.meta.url);
const cert = readFileSync(new URL('cert.pem', fixtures));
const key = readFileSync(new URL('key.pem', fixtures));

/** @wskit/node's echo server over TLS with the test certificate. */
async function startSecureServer(): Promise<number> {
  const server = new WskitServer({ port: 0, host: '127.0.0.1', tls: { cert, key } });
  await once(server, 'listening');
  server.on('connection', (socket) => socket.on('message', (data) => void socket.send(data).catch(() => {})));
  defer(() => server.close());
  return (server.address() as AddressInfo).port;
}

describe("Microsoft's WinHTTP WebSocket sample", () => {
  it("runs against ws's server: the echo arrives in 10-byte pieces, the close status is the server's", async () => {
    const { port } = await startWsServer();
    const transcript = await runSample({ host: '127.0.0.1', port });
    expect(transcript.sent).toBe('Hello world');
    expect(transcript.received).toBe('Hello world');
    expect(transcript.completions).toEqual(expectedCompletions);
    expect([transcript.closeStatus, transcript.closeReason]).toEqual([1000, '']);
  });

  it("runs against @wskit/node's server", async () => {
    const { port } = await startWskitServer();
    const transcript = await runSample({ host: '127.0.0.1', port, path: '/echo' });
    expect(transcript.received).toBe('Hello world');
    expect(transcript.completions).toEqual(expectedCompletions);
    expect(transcript.closeStatus).toBe(1000);
  });

  it('runs over TLS (WINHTTP_FLAG_SECURE) with a custom CA given to WinHttpOpen', async () => {
    const port = await startSecureServer();
    const transcript = await runSample({ host: 'localhost', port, secure: true, tls: { ca: cert } });
    expect(transcript.received).toBe('Hello world');
    expect(transcript.completions).toEqual(expectedCompletions);
  });

  it('reports SECURE_FAILURE (INVALID_CA) then REQUEST_ERROR when the certificate is not trusted', async () => {
    const port = await startSecureServer();
    const { request, recorder } = openRequest(port, '/', { flags: 0x00800000 });
    expect(WinHttpSendRequest(request, null, 0, null, 0, 0, 0)).toBe(true);
    const failure = await recorder.next(WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, request);
    expect(failure.information).toBe(WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA);
    const error = await recorder.next(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, request);
    expect(error.information).toEqual({ dwResult: 5, dwError: ERROR_WINHTTP_SECURE_FAILURE });
  });

  it('runs with the Promise layer: await send, await receive into a small buffer, await close', async () => {
    const { port } = await startWsServer();
    const socket = await connectWinHttpWebSocket(`ws://127.0.0.1:${port}/`);
    defer(() => socket.closeHandle());
    const message = helloWorld();
    await socket.send(WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message);
    const buffer = new Uint8Array(1024);
    let offset = 0;
    const pieces = [];
    for (;;) {
      const result = await socket.receive(buffer.subarray(offset), 10);
      pieces.push(result);
      offset += result.bytesTransferred;
      if (result.bufferType !== WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE) break;
    }
    expect(pieces).toEqual([
      { bytesTransferred: 10, bufferType: 1 },
      { bytesTransferred: 10, bufferType: 1 },
      { bytesTransferred: 4, bufferType: 0 },
    ]);
    expect(buffer.subarray(0, offset)).toEqual(message);
    expect(socket.queryCloseStatus()).toBeUndefined();
    await socket.close(1000, 'done');
    // ws answers with our own status and reason.
    expect(socket.queryCloseStatus()).toEqual({ status: 1000, reason: new TextEncoder().encode('done') });
  });

  it('the Promise layer rejects with WinHttpError: a refused TLS handshake, a status other than 101', async () => {
    const port = await startSecureServer();
    const refused = await connectWinHttpWebSocket(`wss://localhost:${port}/`).catch(
      (error: unknown) => error,
    );
    expect(isWinHttpError(refused)).toBe(true);
    expect(refused).toMatchObject({ code: ERROR_WINHTTP_SECURE_FAILURE, operation: 'WinHttpSendRequest' });
    const socket = await connectWinHttpWebSocket(`wss://localhost:${port}/`, { tls: { ca: cert } });
    socket.closeHandle();
    const notFound = await startRawServer((connection) =>
      connection.write('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
    );
    const status = await connectWinHttpWebSocket(`ws://127.0.0.1:${notFound.port}/`).catch(
      (error: unknown) => error,
    );
    expect(status).toMatchObject({
      code: ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
      operation: 'WinHttpReceiveResponse',
      message: 'The server answered the upgrade with status 404, not 101',
    });
  });
});

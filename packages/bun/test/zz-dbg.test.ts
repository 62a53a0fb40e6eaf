import { test } from 'bun:test';
import { connect, serve } from '@wskit/bun';
import { certificate, privateKey } from './helpers.js';

test('dbg', async () => {
  const server = serve(
    { hostname: '127.0.0.1', tls: { key: privateKey, cert: certificate } },
    (ws, request) => {
      console.log('server got connection', request.target);
      ws.on('message', (m) => ws.send(m));
    },
  );
  server.on('rejected', (status, error) => console.log('rejected', status, error));
  const ws = await connect(`wss://localhost:${server.port}/echo`, {
    tls: { ca: certificate },
    handshakeTimeout: 3000,
  }).catch((e) => {
    console.log('connect failed', e);
    throw e;
  });
  console.log('connected');
  await ws.send('hi');
  const m = await new Promise((r) => ws.once('message', r));
  console.log('got', m);
  ws.close(1000);
  await ws.closed;
  await server.close();
}, 5000);

// Nothing is silently ignored: every option of @wskit/node that @wskit/bun cannot honour throws an
// UnsupportedOptionError at the call, naming the option and the runtime, before any connection.
import { describe, expect, it } from 'bun:test';
import {
  connect,
  isUnsupportedOptionError,
  serve,
  UnsupportedConnectOptions,
  UnsupportedOptionError,
  UnsupportedServerOptions,
  WebSocket,
} from '@wskit/bun';
import { defer } from './helpers.js';

/** A listener that counts the connections it gets (none may arrive). */
function countingListener() {
  let connections = 0;
  const listener = Bun.listen({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open() {
        connections++;
      },
      data() {},
    },
  });
  defer(() => listener.stop(true));
  return { url: `ws://127.0.0.1:${listener.port}/`, connections: () => connections };
}

/** A value that asks for the option's behaviour. */
const values: Record<string, unknown> = {
  perMessageDeflate: true,
  followRedirects: true,
  maxRedirects: 3,
  proxy: 'http://127.0.0.1:9/',
  dispatcher: {},
  host: '127.0.0.1',
  server: {},
  path: '/chat',
};

function expectRefusal(call: () => unknown, option: string, where: string) {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UnsupportedOptionError);
  expect(thrown).toBeInstanceOf(TypeError);
  expect(isUnsupportedOptionError(thrown)).toBe(true);
  const error = thrown as UnsupportedOptionError;
  expect(error.code).toBe('WS_ERR_UNSUPPORTED_OPTION');
  expect(error.option).toBe(option);
  expect(error.message).toContain(option);
  expect(error.message).toContain('@wskit/bun');
  expect(error.message).toContain(where);
}

describe('unsupported client options', () => {
  for (const option of Object.keys(UnsupportedConnectOptions)) {
    it(`connect() refuses ${option} and opens no connection`, async () => {
      const server = countingListener();
      expectRefusal(() => connect(server.url, { [option]: values[option] }), option, 'connect()');
      expectRefusal(
        () => new WebSocket(server.url, [], { [option]: values[option] }),
        option,
        'new WebSocket()',
      );
      await Bun.sleep(20);
      expect(server.connections()).toBe(0);
    });
  }

  it('accepts false and undefined for them (the default: nothing asked)', async () => {
    const server = serve({ hostname: '127.0.0.1' }, (ws) => ws.close());
    defer(() => server.close());
    const options = Object.fromEntries(Object.keys(UnsupportedConnectOptions).map((key) => [key, false]));
    const ws = await connect(`ws://127.0.0.1:${server.port}/`, options);
    await ws.closed;
  });
});

describe('unsupported server options', () => {
  for (const option of Object.keys(UnsupportedServerOptions)) {
    it(`serve() refuses ${option}`, () => {
      expectRefusal(
        () => serve({ hostname: '127.0.0.1', [option]: values[option] }),
        option,
        'WebSocketServer',
      );
    });
  }
});

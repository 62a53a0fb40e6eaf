import {
  isHandshakeFailedError,
  isUnsupportedOptionError,
  type VerifyResult,
  type WebSocket,
} from '@wskit/transport';
import {
  assert,
  assertBytes,
  assertEqual,
  closedWithin,
  nextMessage,
  patternBytes,
  patternText,
  within,
} from './assert.js';
import { closeNormally } from './conformance-cases.js';
import { type ConformanceResult, timedResult } from './conformance-runner.js';

/**
 * What an adapter gives the client-option cases: its own `connect`, the conformance server (which
 * accepts permessage-deflate and answers with {@link conformanceVerify}), a real HTTP `CONNECT`
 * proxy, and the options it refuses.
 */
export interface ClientOptionsEnv {
  /** The adapter's `connect(url, options)`: the options (`perMessageDeflate`, `followRedirects`, `proxy`, …) reach it unchanged. */
  connect(url: string, options?: Record<string, unknown>): Promise<WebSocket>;
  /** The conformance server's base URL (`ws://127.0.0.1:1234`): `serveConformance` with `verify: conformanceVerify` and `perMessageDeflate` on. */
  readonly base: string;
  /** An HTTP proxy URL that tunnels `CONNECT` to the conformance server. */
  readonly proxy: string;
  /** How many connections the proxy has accepted so far. */
  proxyConnections(): number | Promise<number>;
  /** Each option the adapter cannot honour (its `UnsupportedConnectOptions`), with a value that asks for it. */
  readonly unsupportedOptions: Readonly<Record<string, unknown>>;
}

/** One client-option case. */
export interface ClientOptionsCase {
  /** A stable name, e.g. `deflate/echo`. */
  readonly name: string;
  /** Runs the case; rejects when the adapter does not conform. */
  run(env: ClientOptionsEnv): Promise<void>;
}

/**
 * The `verify` hook of the conformance server for the redirect cases (give it the request target):
 * `/redirect?to=<target>` answers 302 to `to`, `/redirect-loop` redirects to itself; anything else is
 * accepted.
 */
export function conformanceVerify(target: string): VerifyResult {
  const url = new URL(target, 'ws://conformance.invalid');
  if (url.pathname === '/redirect') {
    return { status: 302, headers: { Location: url.searchParams.get('to') ?? '/echo' } };
  }
  if (url.pathname === '/redirect-loop') return { status: 302, headers: { Location: '/redirect-loop' } };
  return true;
}

/** Sends text and binary that compress well and checks the echoes. */
async function echoCompressible(ws: WebSocket, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const text = `round ${round}: ${patternText(64 * 1024, round)}`;
    await ws.send(text);
    assertEqual(await within(nextMessage(ws), 10_000, 'text echo'), text, 'echoed text');
    const bytes = patternBytes(100_000, round);
    await ws.send(bytes);
    assertBytes(await within(nextMessage(ws), 10_000, 'binary echo'), bytes, 'echoed bytes');
  }
}

/** The rejection of a call that may also throw at once. */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    const ws = (await call()) as WebSocket;
    ws.terminate();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** Cases for the client options every adapter must honour or refuse: deflate, redirects, proxies, refusal. */
export const clientOptionCases: readonly ClientOptionsCase[] = [
  {
    name: 'deflate/echo',
    async run(env) {
      const ws = await env.connect(`${env.base}/echo`, { perMessageDeflate: true });
      assert(ws.extensions.startsWith('permessage-deflate'), `extensions: ${ws.extensions}`);
      await echoCompressible(ws, 3);
      await closeNormally(ws);
    },
  },
  {
    name: 'deflate/four-parameters',
    async run(env) {
      const ws = await env.connect(`${env.base}/echo`, {
        perMessageDeflate: {
          serverNoContextTakeover: true,
          clientNoContextTakeover: true,
          serverMaxWindowBits: 10,
          clientMaxWindowBits: 9,
        },
      });
      for (const parameter of [
        'server_no_context_takeover',
        'client_no_context_takeover',
        'server_max_window_bits=10',
        'client_max_window_bits=9',
      ]) {
        assert(ws.extensions.includes(parameter), `${parameter} missing from ${ws.extensions}`);
      }
      await echoCompressible(ws, 2);
      await closeNormally(ws);
    },
  },
  {
    name: 'deflate/inflate-limit-1009',
    async run(env) {
      // 4 MiB of the suite's pattern deflate to a few KiB: the client must stop inflating at 64 KiB.
      const ws = await env.connect(`${env.base}/limits?size=${4 * 1024 * 1024}`, {
        perMessageDeflate: true,
        maxMessageSize: 64 * 1024,
      });
      assert(ws.extensions.startsWith('permessage-deflate'), `extensions: ${ws.extensions}`);
      await ws.send('go');
      const info = await closedWithin(ws, 10_000);
      assertEqual(info.code, 1009, 'close code');
    },
  },
  {
    name: 'redirects/followed',
    async run(env) {
      const ws = await env.connect(`${env.base}/redirect?to=${encodeURIComponent('/echo?after=redirect')}`, {
        followRedirects: true,
      });
      assertEqual(ws.url, `${env.base}/echo?after=redirect`, 'url after the redirect');
      await ws.send('redirected');
      assertEqual(await within(nextMessage(ws), 5000, 'echo'), 'redirected', 'echo');
      await closeNormally(ws);
      const error = await failure(() => env.connect(`${env.base}/redirect?to=/echo`));
      assert(isHandshakeFailedError(error), `without followRedirects: ${String(error)}`);
      assertEqual(error.status, 302, 'status');
    },
  },
  {
    name: 'redirects/max-redirects',
    async run(env) {
      const error = await failure(() =>
        env.connect(`${env.base}/redirect-loop`, { followRedirects: true, maxRedirects: 3 }),
      );
      assert(isHandshakeFailedError(error), `a redirect loop: ${String(error)}`);
      assert(/TOO_MANY_REDIRECTS$/.test(error.code), `code ${error.code}`);
    },
  },
  {
    name: 'proxy/connect-tunnel',
    async run(env) {
      const before = await env.proxyConnections();
      const ws = await env.connect(`${env.base}/echo`, { proxy: env.proxy });
      assertEqual(await env.proxyConnections(), before + 1, 'connections the proxy accepted');
      await ws.send('through the proxy');
      assertEqual(await within(nextMessage(ws), 5000, 'echo'), 'through the proxy', 'echo');
      await closeNormally(ws);
    },
  },
  {
    name: 'options/refused',
    async run(env) {
      for (const [option, value] of Object.entries(env.unsupportedOptions)) {
        const error = await failure(() => env.connect(`${env.base}/echo`, { [option]: value }));
        assert(isUnsupportedOptionError(error), `${option}: ${String(error)}`);
        assertEqual(error.option, option, 'option');
        assertEqual(error.code, 'WS_ERR_UNSUPPORTED_OPTION', 'code');
      }
    },
  },
];

/** Runs the client-option cases one after the other, each with a timeout, and reports each (JSON-able, never rejects). */
export async function runClientOptionCases(
  env: ClientOptionsEnv,
  timeout = 20_000,
): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  for (const testCase of clientOptionCases) {
    results.push(await timedResult(testCase.name, () => testCase.run(env), timeout));
  }
  return results;
}

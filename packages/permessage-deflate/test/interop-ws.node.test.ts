/// <reference types="node" />
/**
 * Interoperability with ws's permessage-deflate (ws/lib/permessage-deflate.js), used directly: both
 * negotiations (ws client offer → our server, our client offer → ws server), then messages
 * compressed by one side and inflated by the other, in sequence (context takeover), under several
 * parameter sets. Socket-level interop (ws, Python websockets, Chromium) follows once @wskit/node
 * exists. Node only (Bun replaces the `ws` package with its own).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type ExtensionParams, formatExtensions, parseExtensions } from '@wskit/handshake';
import { type PerMessageDeflateOptions, perMessageDeflate } from '@wskit/permessage-deflate';
import type { ConnectionExtension, ExtensionContext } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { bytes, same, text } from './data.js';

type Callback = (error: Error | null, result?: Uint8Array) => void;

/** What these tests use of ws's PerMessageDeflate. */
interface WsPerMessageDeflate {
  offer(): Record<string, string | number | true>;
  accept(configurations: Record<string, (string | true)[]>[]): Record<string, string | number | true>;
  compress(data: Uint8Array, fin: boolean, callback: Callback): void;
  decompress(data: Uint8Array, fin: boolean, callback: Callback): void;
  cleanup(): void;
}

interface WsExtensionModule {
  parse(header: string): Record<string, Record<string, (string | true)[]>[]>;
  format(extensions: Record<string, Record<string, string | number | true>[]>): string;
}

// ws's exports map hides lib/: load the files by path.
const require = createRequire(import.meta.url);
const wsDirectory = dirname(require.resolve('ws/package.json'));
const WsPerMessageDeflate = require(join(wsDirectory, 'lib/permessage-deflate.js')) as new (
  options: Record<string, unknown>,
) => WsPerMessageDeflate;
const wsExtension = require(join(wsDirectory, 'lib/extension.js')) as WsExtensionModule;

const wsCompress = (ws: WsPerMessageDeflate, data: Uint8Array) =>
  new Promise<Uint8Array>((resolve, reject) =>
    ws.compress(data, true, (error, result) => (error ? reject(error) : resolve(result!))),
  );
const wsDecompress = (ws: WsPerMessageDeflate, data: Uint8Array) =>
  new Promise<Uint8Array>((resolve, reject) =>
    ws.decompress(data, true, (error, result) => (error ? reject(error) : resolve(result!))),
  );

function deflateParams(header: string): ExtensionParams[] {
  return (parseExtensions(header) ?? []).map((element) => element.params);
}

/** ws client offers, our server accepts, ws checks the response. */
function wsClientOurServer(wsOptions: Record<string, unknown>, ourOptions: PerMessageDeflateOptions) {
  const ws = new WsPerMessageDeflate({ ...wsOptions, isServer: false });
  const offer = wsExtension.format({ 'permessage-deflate': [ws.offer()] });
  const agreed = perMessageDeflate({ ...ourOptions, threshold: 0 }).accept(deflateParams(offer));
  if (agreed === null) throw new Error(`declined: ${offer}`);
  const response = formatExtensions([{ name: 'permessage-deflate', params: agreed }]);
  ws.accept(wsExtension.parse(response)['permessage-deflate']!);
  const ours = perMessageDeflate({ ...ourOptions, threshold: 0 }).createExtension(agreed, 'server');
  return { ws, ours, offer, response, role: 'server' as const };
}

/** Our client offers, a ws server accepts, we check its response. */
function ourClientWsServer(ourOptions: PerMessageDeflateOptions, wsOptions: Record<string, unknown>) {
  const client = perMessageDeflate({ ...ourOptions, threshold: 0 });
  const offers = client.offer();
  const offer = formatExtensions(offers.map((params) => ({ name: 'permessage-deflate', params })));
  const ws = new WsPerMessageDeflate({ ...wsOptions, isServer: true });
  const accepted = ws.accept(wsExtension.parse(offer)['permessage-deflate']!);
  const response = wsExtension.format({ 'permessage-deflate': [accepted] });
  const [agreed] = deflateParams(response);
  expect(client.validateResponse(agreed!, offers)).toBeNull();
  const ours = client.createExtension(agreed!, 'client');
  return { ws, ours, offer, response, role: 'client' as const };
}

const MESSAGES = [
  text(10_000, 1),
  bytes(1, 2),
  bytes(70_000, 3),
  text(10_000, 1), // again: refers back to the first with context takeover
  new Uint8Array(0),
  text(300, 4),
  bytes(200_000, 5),
];

async function exchange(pair: {
  ws: WsPerMessageDeflate;
  ours: ConnectionExtension;
  role: 'client' | 'server';
}) {
  const context: ExtensionContext = { role: pair.role, maxMessageSize: 1 << 24 };
  for (const message of MESSAGES) {
    const data = typeof message === 'string' ? new TextEncoder().encode(message) : message;
    // Ours → ws.
    const encoded = await pair.ours.encodeMessage!({ type: 'binary', data, rsv: 0 }, context);
    const inflated = (encoded.rsv & 0x40) !== 0 ? await wsDecompress(pair.ws, encoded.data) : encoded.data;
    expect(same(inflated, data)).toBe(true);
    // ws → ours.
    const compressed = await wsCompress(pair.ws, data);
    const decoded = await pair.ours.decodeMessage({ type: 'binary', data: compressed, rsv: 0x40 }, context);
    expect(same(decoded.data, data)).toBe(true);
    expect(decoded.rsv).toBe(0);
  }
  pair.ours.dispose?.();
  pair.ws.cleanup();
}

const PARAMETER_SETS: [string, Record<string, unknown>][] = [
  ['defaults', {}],
  ['no context takeover both ways', { serverNoContextTakeover: true, clientNoContextTakeover: true }],
  ['server no context takeover', { serverNoContextTakeover: true }],
  ['window bits 10 / 9', { serverMaxWindowBits: 10, clientMaxWindowBits: 9 }],
  ['window bits 8 / 8', { serverMaxWindowBits: 8, clientMaxWindowBits: 8 }],
  [
    'window bits 15 / 12, client no context takeover',
    { serverMaxWindowBits: 15, clientMaxWindowBits: 12, clientNoContextTakeover: true },
  ],
];

describe('interop with ws PerMessageDeflate', () => {
  it.each(PARAMETER_SETS)('ws client, our server: %s', async (_name, options) => {
    const pair = wsClientOurServer(options, {});
    await exchange(pair);
  });

  it.each(PARAMETER_SETS)('our client, ws server: %s', async (_name, options) => {
    const pair = ourClientWsServer(options as PerMessageDeflateOptions, {});
    await exchange(pair);
  });

  it.each(PARAMETER_SETS)('ws client, our server insisting on %s', async (_name, options) => {
    const pair = wsClientOurServer({}, options as PerMessageDeflateOptions);
    await exchange(pair);
  });

  it.each(PARAMETER_SETS)('our client, ws server insisting on %s', async (_name, options) => {
    const pair = ourClientWsServer({}, options);
    await exchange(pair);
  });

  it('the negotiated headers read as expected', () => {
    const pair = wsClientOurServer(
      { serverMaxWindowBits: 10, clientMaxWindowBits: 9 },
      { serverNoContextTakeover: true },
    );
    expect(pair.offer).toBe('permessage-deflate; server_max_window_bits=10; client_max_window_bits=9');
    expect(pair.response).toBe(
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9',
    );
    pair.ours.dispose?.();
    const other = ourClientWsServer({ clientMaxWindowBits: 11 }, { serverMaxWindowBits: 12 });
    expect(other.offer).toBe('permessage-deflate; client_max_window_bits=11');
    expect(other.response).toBe('permessage-deflate; client_max_window_bits=11; server_max_window_bits=12');
    other.ours.dispose?.();
  });

  it('ws refuses what it did not offer; so do we', () => {
    const ws = new WsPerMessageDeflate({ isServer: false, clientMaxWindowBits: false });
    expect(() =>
      ws.accept(wsExtension.parse('permessage-deflate; client_max_window_bits=10')['permessage-deflate']!),
    ).toThrow();
    const ours = perMessageDeflate({ serverMaxWindowBits: 10 });
    expect(ours.validateResponse([['server_max_window_bits', '12']], ours.offer())).toMatch(/larger/);
  });
});

// The URL parser (ws:, wss:, ws+unix:) and the redirect and credential rules every client shares.
import { HeaderList } from '@wskit/handshake';
import {
  dialWebSocket,
  parseProxyUrl,
  parseWebSocketUrl,
  StandardWebSocket,
  type WebSocketTarget,
  withUrlCredentials,
} from '@wskit/transport';
import { proxyFromEnvironment } from '@wskit/transport/proxy-environment';
import { ConnectResponseReader, formatConnectRequest } from '@wskit/transport/proxy-tunnel';
import { planRedirect } from '@wskit/transport/redirect';
import { describe, expect, it } from 'vitest';

/** The target of a URL that must parse. */
function target(url: string): WebSocketTarget {
  const parsed = parseWebSocketUrl(url);
  if (!parsed.ok) throw new Error(`${url}: ${parsed.message}`);
  return parsed.target;
}

describe('parseWebSocketUrl', () => {
  it('reads ws+unix: URLs as ws does: socket path before the first colon, request path after', () => {
    expect(target('ws+unix:///tmp/my%20app.sock:/chat/room?x=1')).toMatchObject({
      secure: false,
      host: 'localhost',
      path: '/chat/room?x=1',
      socketPath: '/tmp/my app.sock',
    });
    expect(target('ws+unix:///tmp/app.sock')).toMatchObject({
      path: '/',
      socketPath: '/tmp/app.sock',
    });
    expect(target('ws+unix:///tmp/app.sock:')).toMatchObject({ path: '/' });
    for (const bad of [
      'ws+unix://host/tmp/a.sock:/',
      'ws+unix:///:/chat',
      'ws+unix:///a.sock:chat',
      'wss+unix:///a:/',
    ]) {
      expect(parseWebSocketUrl(bad)).toMatchObject({
        ok: false,
        problem: bad.startsWith('wss') ? 'scheme' : 'socket',
      });
    }
  });

  it('keeps Host as written for ws: and wss:, and has no socket path', () => {
    const parsed = target('wss://user:pw@example.com:8443/a?b#c');
    expect(parsed).toMatchObject({
      host: 'example.com:8443',
      hostname: 'example.com',
      port: 8443,
      path: '/a?b',
    });
    expect(parsed.socketPath).toBeUndefined();
  });

  it('says why it refuses, and the WHATWG rules refuse fragments and ws+unix:', () => {
    expect(parseWebSocketUrl('not a url')).toMatchObject({ ok: false, problem: 'invalid' });
    expect(parseWebSocketUrl('ftp://example.com/')).toMatchObject({ ok: false, problem: 'scheme' });
    expect(parseWebSocketUrl('ws://example.com/#')).toMatchObject({ ok: true });
    expect(parseWebSocketUrl('ws://example.com/#', { whatwg: true })).toMatchObject({
      ok: false,
      problem: 'fragment',
    });
    expect(parseWebSocketUrl('ws+unix:///a.sock', { whatwg: true })).toMatchObject({
      ok: false,
      problem: 'scheme',
    });
    expect(parseWebSocketUrl('/next', { base: 'wss://example.com/start' })).toMatchObject({
      ok: true,
      target: { host: 'example.com', path: '/next', secure: true },
    });
  });

  it('is the parser of both kinds of client, each mapping a refusal to its own error', async () => {
    const reasons = (url: string) => {
      const parsed = parseWebSocketUrl(url, { whatwg: true });
      return parsed.ok ? '' : parsed.message;
    };
    // The WHATWG class: a SyntaxError DOMException with the parser's message.
    const connect = () => Promise.reject(new Error('not reached'));
    for (const url of ['ftp://example.com/', 'ws://example.com/#x']) {
      expect(() => new StandardWebSocket(url, [], { connect })).toThrow(
        expect.objectContaining({ name: 'SyntaxError', message: reasons(url) }),
      );
    }
    // A client: a TypeError naming the URL, with the same message.
    const dialer = () => Promise.reject(new Error('not reached'));
    expect(() => dialWebSocket(dialer, 'ftp://example.com/')).toThrow(
      new TypeError(
        `Invalid WebSocket URL "ftp://example.com/": ${reasons('ftp://example.com/').replace('ws, wss', 'ws, wss, ws+unix')}`,
      ),
    );
  });
});

describe('withUrlCredentials', () => {
  it('adds Basic auth from user:password@ (percent-decoded, UTF-8), unless Authorization is given', () => {
    const url = new URL('ws://J%C3%BCrgen:p%3Ass@example.com/');
    const added = withUrlCredentials(new HeaderList(), url);
    expect(added.get('authorization')).toBe(`Basic ${Buffer.from('Jürgen:p:ss').toString('base64')}`);
    const given = new HeaderList({ Authorization: 'Bearer t' });
    expect(withUrlCredentials(given, url)).toBe(given);
    const none = new HeaderList();
    expect(withUrlCredentials(none, new URL('ws://example.com/'))).toBe(none);
    expect(withUrlCredentials(new HeaderList(), new URL('ws://user@example.com/')).get('authorization')).toBe(
      `Basic ${btoa('user:')}`,
    );
  });
});

describe('planRedirect', () => {
  const from = target('ws://a:b@example.com/start');
  const headers = withUrlCredentials(new HeaderList({ Cookie: 'c=1', 'X-Trace': '1' }), from.url);

  it('keeps credentials on the same origin, resolving relative locations', () => {
    const step = planRedirect('/next', from, headers, 1, 10);
    expect(step.kind).toBe('follow');
    if (step.kind !== 'follow') return;
    expect(step.target.url.href).toBe('ws://a:b@example.com/next');
    expect(step.headers.get('authorization')).toBe(`Basic ${btoa('a:b')}`);
    expect(step.headers.get('cookie')).toBe('c=1');
  });

  it('drops Authorization and Cookie for another origin (scheme, host or port), keeping other headers', () => {
    for (const location of ['wss://example.com/', 'ws://other.example/', 'ws://example.com:81/']) {
      const step = planRedirect(location, from, headers, 1, 10);
      if (step.kind !== 'follow') throw new Error(step.kind);
      expect(step.headers.has('authorization')).toBe(false);
      expect(step.headers.has('cookie')).toBe(false);
      expect(step.headers.get('x-trace')).toBe('1');
    }
    expect(headers.has('authorization')).toBe(true);
    const own = planRedirect('https://c:d@other.example/', from, headers, 1, 10);
    expect(own.kind === 'follow' && own.headers.get('authorization')).toBe(`Basic ${btoa('c:d')}`);
  });

  it('fails for a location that is not a WebSocket URL, and past maxRedirects', () => {
    expect(planRedirect('ftp://example.com/', from, headers, 1, 10)).toEqual({ kind: 'invalid' });
    expect(planRedirect('/again', from, headers, 3, 2)).toEqual({ kind: 'too-many' });
  });
});

describe('the CONNECT tunnel pieces', () => {
  it('reads an http: or https: proxy URL with credentials, and refuses others', () => {
    const proxy = parseProxyUrl('http://me:p%40ss@[::1]:3128');
    expect(proxy).toEqual({
      host: '::1',
      port: 3128,
      secure: false,
      authorization: `Basic ${btoa('me:p@ss')}`,
      url: 'http://[::1]:3128/',
    });
    expect(parseProxyUrl('https://proxy.internal')).toEqual({
      host: 'proxy.internal',
      port: 443,
      secure: true,
      authorization: undefined,
      url: 'https://proxy.internal/',
    });
    expect(parseProxyUrl('http://proxy.internal').port).toBe(80);
    expect(() => parseProxyUrl('socks5://proxy:1080')).toThrow(TypeError);
    expect(() => parseProxyUrl('not a url')).toThrow(TypeError);
  });

  it('formats CONNECT and reads the answer: 2xx opens, anything else is WS_ERR_UPGRADE_PROXY', () => {
    const proxy = parseProxyUrl('http://u:p@proxy:3128');
    expect(new TextDecoder().decode(formatConnectRequest(proxy, '::1', 443))).toBe(
      `CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\nProxy-Authorization: Basic ${btoa('u:p')}\r\n\r\n`,
    );
    const bytes = (text: string) => new TextEncoder().encode(text);
    const open = new ConnectResponseReader(proxy, 'wss://example.com/');
    expect(open.write(bytes('HTTP/1.1 200 Connection'))).toBeUndefined();
    expect(open.write(bytes(' Established\r\n\r\n'))).toBe(true);
    const refused = new ConnectResponseReader(proxy, 'wss://example.com/');
    let error: unknown;
    try {
      refused.write(bytes('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n'));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: 'WS_ERR_UPGRADE_PROXY', status: 407, url: 'wss://example.com/' });
    expect(() =>
      new ConnectResponseReader(proxy, 'ws://a/').write(bytes('HTTP/1.1 200 OK\r\n\r\nearly')),
    ).toThrow(/bytes after/);
    expect(() => new ConnectResponseReader(proxy, 'ws://a/').closed()).toThrow(/closed the connection/);
  });
});

describe('proxyFromEnvironment', () => {
  const ws = target('ws://api.example.com:8080/');
  const wss = target('wss://api.example.com/');

  it('takes HTTP_PROXY for ws: and HTTPS_PROXY for wss:, lower case first', () => {
    const environment = {
      HTTP_PROXY: 'http://upper:1',
      http_proxy: 'http://lower:1',
      HTTPS_PROXY: 'http://secure:1',
    };
    expect(proxyFromEnvironment(environment, ws)).toBe('http://lower:1');
    expect(proxyFromEnvironment(environment, wss)).toBe('http://secure:1');
    expect(proxyFromEnvironment({ HTTPS_PROXY: 'http://secure:1' }, ws)).toBeUndefined();
    expect(proxyFromEnvironment({ HTTP_PROXY: 'http://p:1' }, target('ws+unix:///a.sock:/'))).toBeUndefined();
  });

  it('honours NO_PROXY: *, hosts and their subdomains, .suffix, *.suffix, host:port', () => {
    const proxied = (noProxy: string, target = ws) =>
      proxyFromEnvironment({ HTTP_PROXY: 'http://p:1', NO_PROXY: noProxy }, target);
    for (const exempt of [
      '*',
      'example.com',
      '.example.com',
      '*.example.com',
      'api.example.com:8080',
      'other, api.example.com',
    ]) {
      expect(proxied(exempt)).toBeUndefined();
    }
    for (const kept of ['', 'other.com', 'api.example.com:9090', 'ample.com']) {
      expect(proxied(kept)).toBe('http://p:1');
    }
  });
});

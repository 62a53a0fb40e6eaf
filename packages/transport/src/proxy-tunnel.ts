// Loaded on demand (see `proxy-tunnel/index.ts`); the shared classes come from the main entry, by
// the package's name, so that the entries share one copy of them.
import { type HeadLimits, HeadParser, type ResponseHead } from '@wskit/handshake';
import { HandshakeFailedError, type ProxyTarget } from '@wskit/transport';

/** `host:port` as a request target of `CONNECT` (IPv6 in brackets). */
function authority(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * The `CONNECT host:port` request that asks `proxy` for a tunnel to the server, with `Host` and,
 * when the proxy URL had credentials, `Proxy-Authorization`.
 */
export function formatConnectRequest(proxy: ProxyTarget, host: string, port: number): Uint8Array {
  const target = authority(host, port);
  const authorization =
    proxy.authorization === undefined ? '' : `Proxy-Authorization: ${proxy.authorization}\r\n`;
  return new TextEncoder().encode(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${authorization}\r\n`);
}

/**
 * Reads the proxy's answer to `CONNECT`, chunk by chunk: `write` returns `undefined` until the head
 * is complete, then `true` when the tunnel is open (a 2xx). It throws a {@link HandshakeFailedError}
 * `WS_ERR_UPGRADE_PROXY` for a refusal (with the proxy's `status` and `headers`: a 407 wants
 * credentials), for a malformed head, and for bytes after a 2xx head (the server cannot have spoken
 * yet).
 */
export class ConnectResponseReader {
  readonly #parser: HeadParser<'response'>;
  readonly #proxy: ProxyTarget;
  readonly #url: string;

  /** `url` is the WebSocket URL the tunnel is for (the error's `url`). */
  constructor(proxy: ProxyTarget, url: string, headLimits?: Partial<HeadLimits>) {
    this.#parser = new HeadParser('response', headLimits);
    this.#proxy = proxy;
    this.#url = url;
  }

  /** Feeds bytes from the proxy; `true` once the tunnel is open. */
  write(chunk: Uint8Array): true | undefined {
    const parsed = this.#parser.write(chunk);
    if (!parsed.done) return undefined;
    if (!parsed.ok) this.#fail(`answered CONNECT with a malformed response: ${parsed.error.message}`);
    const response: ResponseHead = parsed.head;
    if (response.status < 200 || response.status > 299) {
      const reason = response.reason ? ` ${response.reason}` : '';
      this.#fail(`refused the tunnel: ${response.status}${reason}`, response);
    }
    if (parsed.rest.length > 0) this.#fail('sent bytes after its CONNECT response', response);
    return true;
  }

  /** Fails for a connection that closed before the answer. */
  closed(): never {
    this.#fail('closed the connection before answering CONNECT');
  }

  #fail(what: string, response?: ResponseHead): never {
    throw new HandshakeFailedError({
      code: 'WS_ERR_UPGRADE_PROXY',
      message: `The proxy ${this.#proxy.url} ${what}`,
      url: this.#url,
      ...(response === undefined ? {} : { status: response.status, headers: response.headers }),
    });
  }
}

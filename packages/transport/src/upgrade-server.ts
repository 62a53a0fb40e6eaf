import {
  acceptServerHandshake,
  type Extension,
  type HandshakeResponse,
  type HeaderInit,
  type HeadLimits,
  HeadParser,
  type RequestHead,
  rejectHandshake,
  type ServerExtensionNegotiator,
} from '@wskit/handshake';
import { createHandshakeTimeout } from './handshake-timeout.js';
import { HandshakeTransport } from './handshake-transport.js';
import type { Transport } from './port.js';

/** A refusal of an upgrade request: the status and, optionally, headers and a body. */
export interface UpgradeRejection {
  /** An HTTP status from 300 to 599, e.g. 401, 403 or a redirect. */
  readonly status: number;
  /** Extra response headers, e.g. `WWW-Authenticate` or `Location`. */
  readonly headers?: HeaderInit | undefined;
  /** The response body; default a one-line text/plain reason. */
  readonly body?: string | Uint8Array | undefined;
}

/** What a `verify` hook answers: `true` to accept, `false` to refuse with 403, or a rejection. */
export type VerifyResult = boolean | UpgradeRejection;

/** What a `verify` hook learns about a request besides the request itself. */
export interface VerifyInfo {
  /** The `Origin` header, when sent (browsers always send it). */
  readonly origin: string | undefined;
  /** Whether the connection is TLS. */
  readonly secure: boolean;
  /** The subprotocol that will be selected, or `null`. */
  readonly protocol: string | null;
}

/**
 * The hooks that decide whether to accept an upgrade request. `Request` is what the hooks see: the
 * parsed head (`RequestHead`) on a raw-socket server, the runtime's own request object elsewhere
 * (`IncomingMessage` in `@wskit/node`).
 */
export interface UpgradeHooks<Request = RequestHead> {
  /** The subprotocols this server speaks; the first one the client offered wins. */
  readonly protocols?: readonly string[] | undefined;
  /** Picks one of `offered` (in the client's order), or `null`/`undefined` for none. */
  readonly selectProtocol?:
    | ((offered: readonly string[], request: Request) => string | null | undefined)
    | undefined;
  /** Accepts or refuses a valid upgrade request (origin checks, authentication, routing). */
  readonly verify?:
    | ((request: Request, info: VerifyInfo) => VerifyResult | Promise<VerifyResult>)
    | undefined;
  /** Extra headers of the 101 response (e.g. `Set-Cookie`), or a function of the request. */
  readonly headers?: HeaderInit | ((request: Request) => HeaderInit | undefined) | undefined;
}

/** What {@link negotiateUpgrade} decided: the 101 and what was agreed, or the refusal to send. */
export type UpgradeDecision =
  | {
      /** The upgrade is accepted: write `response`, then open the session. */
      readonly ok: true;
      /** The `101 Switching Protocols` response to write. */
      readonly response: HandshakeResponse;
      /** The selected subprotocol, or `null`. */
      readonly protocol: string | null;
      /** The accepted extensions, in the order they apply. */
      readonly extensions: Extension[];
    }
  | {
      /** The upgrade is refused: write `response`, then close. */
      readonly ok: false;
      /** The refusal to write before closing the connection. */
      readonly response: HandshakeResponse;
      /** Why: the handshake error, a hook's exception, or `undefined` for a deliberate refusal. */
      readonly error?: unknown;
    };

/**
 * The server's decision on an upgrade request, shared by every server: validates the request and
 * selects the subprotocol and extensions (`@wskit/handshake`'s `acceptServerHandshake`), then asks
 * `verify`. A bad request gets its 4xx, `verify` answering `false` a 403, a rejection object its
 * own status, headers and body, and a hook that throws a 500 (the exception is the `error`).
 *
 * @param head the request head (parsed, or built from the runtime's request).
 * @param request what the hooks are given.
 */
export async function negotiateUpgrade<Request>(
  head: RequestHead,
  request: Request,
  hooks: UpgradeHooks<Request>,
  context: { readonly secure?: boolean; readonly extensions?: readonly ServerExtensionNegotiator[] } = {},
): Promise<UpgradeDecision> {
  return decideUpgrade(head, request, hooks, context);
}

/**
 * {@link negotiateUpgrade} without a promise when it needs none: the same decision, returned as it
 * is when every hook answered synchronously (no `verify`, or one that returned a value), and as a
 * promise only when `verify` returned one. For servers that open a connection in the same turn as
 * its upgrade request when they can (no microtask hops per handshake).
 */
export function decideUpgrade<Request>(
  head: RequestHead,
  request: Request,
  hooks: UpgradeHooks<Request>,
  context: { readonly secure?: boolean; readonly extensions?: readonly ServerExtensionNegotiator[] } = {},
): UpgradeDecision | Promise<UpgradeDecision> {
  let result: ReturnType<typeof acceptServerHandshake>;
  try {
    const extra = typeof hooks.headers === 'function' ? hooks.headers(request) : hooks.headers;
    // One object of one shape (an absent option is `undefined`), not one built by spreading.
    result = acceptServerHandshake(head, {
      protocols: hooks.protocols,
      selectProtocol:
        hooks.selectProtocol === undefined
          ? undefined
          : (offered: readonly string[]) => hooks.selectProtocol!(offered, request),
      extensions: context.extensions,
      headers: extra,
    });
  } catch (error) {
    return refuseUpgradeWith(rejectHandshake(500), error);
  }
  if (!result.ok) return refuseUpgradeWith(result.response, result.error);
  if (!hooks.verify) return judge(result, true);
  let verdict: VerifyResult | PromiseLike<VerifyResult>;
  try {
    verdict = hooks.verify(request, {
      origin: head.headers.get('origin'),
      secure: context.secure ?? false,
      protocol: result.protocol,
    });
  } catch (error) {
    return refuseUpgradeWith(rejectHandshake(500), error);
  }
  if (!isThenable(verdict)) return judge(result, verdict);
  const accepted = result;
  return Promise.resolve(verdict).then(
    (settled) => judge(accepted, settled),
    (error: unknown) => refuseUpgradeWith(rejectHandshake(500), error),
  );
}

/** The decision on a valid request once `verify` answered (`true` without a `verify` hook). */
function judge(
  accepted: Extract<ReturnType<typeof acceptServerHandshake>, { ok: true }>,
  verdict: VerifyResult,
): UpgradeDecision {
  if (verdict === true) {
    return {
      ok: true,
      response: accepted.response,
      protocol: accepted.protocol,
      extensions: accepted.extensions,
    };
  }
  if (verdict === false) return refuseUpgradeWith(rejectHandshake(403));
  try {
    const { status, headers, body } = verdict as UpgradeRejection;
    return refuseUpgradeWith(rejectHandshake(status, { headers, body }));
  } catch (error) {
    return refuseUpgradeWith(rejectHandshake(500), error);
  }
}

function refuseUpgradeWith(response: HandshakeResponse, error?: unknown): UpgradeDecision {
  return error === undefined ? { ok: false, response } : { ok: false, response, error };
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The options of {@link acceptUpgrade}: the hooks (given the parsed request head) and limits. */
export interface AcceptUpgradeOptions extends UpgradeHooks<RequestHead> {
  /** The extensions this server supports (`@wskit/handshake` negotiators). */
  readonly extensions?: readonly ServerExtensionNegotiator[] | undefined;
  /** Limits of the request head (`maxHeadSize` 16 KiB, `maxHeaderCount` 100, `maxLineLength` 8 KiB). */
  readonly headLimits?: Partial<HeadLimits> | undefined;
  /** Milliseconds the client has to send its request and the hooks to decide (default 10 000; 0: no limit). */
  readonly timeout?: number | undefined;
  /** Aborts the handshake: the transport is aborted. */
  readonly signal?: AbortSignal | undefined;
  /** Whether the connection is TLS (`VerifyInfo.secure`). */
  readonly secure?: boolean | undefined;
  /** Asked right before the 101 is written; `false` refuses with 503 (a server that began closing). */
  readonly stillAccepting?: (() => boolean) | undefined;
  /** How long a refused connection may stay open after the refusal before it is aborted (default 5 000 ms). */
  readonly refusalLinger?: number | undefined;
}

/** An accepted upgrade: the 101 was written. */
export interface AcceptedUpgrade {
  /** Always `true`: tells it from a {@link RefusedUpgrade}. */
  readonly accepted: true;
  /** The transport, not started: pass it to `openWebSocket`. */
  readonly transport: Transport;
  /** Bytes that followed the request head: the client's first frames (`earlyData`). */
  readonly earlyData: Uint8Array;
  /** The selected subprotocol, or `null`. */
  readonly protocol: string | null;
  /** The accepted extensions, in the order they apply. */
  readonly extensions: Extension[];
  /** The request head. */
  readonly request: RequestHead;
  /** The request target, e.g. `/chat?room=1` (`openWebSocket`'s `url`). */
  readonly url: string;
}

/** An upgrade request that was not accepted; the refusal was written and the transport is closing. */
export interface RefusedUpgrade {
  /** Always `false`: tells it from an {@link AcceptedUpgrade}. */
  readonly accepted: false;
  /** The status answered, or 0 when the connection ended, failed or timed out before an answer. */
  readonly status: number;
  /** Why: the handshake error, a hook's exception, the timeout; `undefined` for a deliberate refusal. */
  readonly error?: unknown;
  /** The request head, when one was read. */
  readonly request?: RequestHead | undefined;
}

/** The default time a client has to complete its upgrade request. */
const DEFAULT_ACCEPT_TIMEOUT = 10_000;
/** The default time a refused connection may linger before it is aborted. */
const DEFAULT_REFUSAL_LINGER = 5_000;

/**
 * The server side of the opening handshake (RFC 6455 §4.2) over any {@link Transport} (not started
 * yet), for servers on raw sockets (`Bun.listen`, a TCP listener): reads the request head with
 * `@wskit/handshake`'s `HeadParser`, decides with {@link negotiateUpgrade} (validation, subprotocol,
 * extensions, `verify`), and writes the 101, or the refusal before closing the connection. Resolves
 * with what `openWebSocket` needs, or with the refusal; never rejects for the peer's doing.
 */
export async function acceptUpgrade(
  transport: Transport,
  options: AcceptUpgradeOptions = {},
): Promise<AcceptedUpgrade | RefusedUpgrade> {
  const timeout = options.timeout ?? DEFAULT_ACCEPT_TIMEOUT;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(`timeout must be a non-negative number, not ${String(timeout)}`);
  }
  const parser = new HeadParser('request', options.headLimits);
  const phase = new HandshakeTransport(transport);
  const timer = createHandshakeTimeout(timeout === 0 ? Number.POSITIVE_INFINITY : timeout, {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const onAbort = () => phase.abort();
  timer.signal.addEventListener('abort', onAbort, { once: true });
  if (timer.signal.aborted) onAbort();
  const gone = (error?: unknown, request?: RequestHead): RefusedUpgrade => {
    phase.abort();
    return { accepted: false, status: 0, error: timer.signal.aborted ? timer.signal.reason : error, request };
  };
  const refuse = (response: HandshakeResponse, error?: unknown, request?: RequestHead): RefusedUpgrade => {
    phase.write([response.bytes]);
    phase.close();
    const linger = setTimeout(() => phase.abort(), options.refusalLinger ?? DEFAULT_REFUSAL_LINGER);
    (linger as { unref?: () => void }).unref?.();
    void phase.closed.then(() => clearTimeout(linger));
    return { accepted: false, status: response.status, error, request };
  };
  try {
    let parsed: ReturnType<HeadParser<'request'>['write']> | undefined;
    while (!parsed?.done) {
      let chunk: Uint8Array | undefined;
      try {
        chunk = await phase.read();
      } catch (error) {
        return gone(error);
      }
      if (chunk === undefined) return gone();
      parsed = parser.write(chunk);
    }
    if (!parsed.ok) return refuse(rejectHandshake(parsed.error), parsed.error);
    const request = parsed.head;
    const decision = await negotiateUpgrade(request, request, options, {
      secure: options.secure ?? false,
      ...(options.extensions === undefined ? {} : { extensions: options.extensions }),
    });
    if (timer.signal.aborted) return gone(undefined, request);
    if (!decision.ok) return refuse(decision.response, decision.error, request);
    if (options.stillAccepting && !options.stillAccepting()) {
      return refuse(rejectHandshake(503), undefined, request);
    }
    phase.write([decision.response.bytes]);
    return {
      accepted: true,
      transport: phase.handOver(),
      earlyData: parsed.rest,
      protocol: decision.protocol,
      extensions: decision.extensions,
      request,
      url: request.target,
    };
  } finally {
    timer.signal.removeEventListener('abort', onAbort);
    timer.clear();
  }
}

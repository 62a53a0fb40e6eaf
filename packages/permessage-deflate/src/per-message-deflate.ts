import type { Role } from '@wskit/codec';
import type { ExtensionNegotiator, ExtensionParams } from '@wskit/handshake';
import type { ConnectionExtension } from '@wskit/protocol';
import { ConcurrencyLimiter, defaultLimiter } from './concurrency-limiter.js';
import { PERMESSAGE_DEFLATE } from './constants.js';
import { DeflateExtension } from './deflate-extension.js';
import { acceptOffer, checkResponse, clientOffer, configure } from './negotiation.js';
import { type PerMessageDeflateOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { formatDeflateParameters, parseDeflateParameters } from './parameters.js';
import { resolveZlib, type ZlibModule } from './zlib-backend.js';

/**
 * permessage-deflate for one client or server configuration: the negotiator the handshake calls
 * (`offer` and `validateResponse` as a client, `accept` as a server) and the factory of each
 * connection's extension for the `@wskit/protocol` engine. Create it once and share it: its
 * connections share its zlib concurrency limiter.
 */
export class PerMessageDeflate implements ExtensionNegotiator {
  /** The extension token: `permessage-deflate`. */
  readonly name: string = PERMESSAGE_DEFLATE;
  readonly #options: ResolvedOptions;
  readonly #zlib: ZlibModule;
  readonly #limiter: ConcurrencyLimiter;

  /** Use {@link perMessageDeflate}. */
  constructor(options: PerMessageDeflateOptions = {}) {
    this.#options = resolveOptions(options);
    this.#zlib = resolveZlib(options.zlib);
    const limit = this.#options.concurrencyLimit;
    this.#limiter = limit === undefined ? defaultLimiter() : new ConcurrencyLimiter(limit);
  }

  /**
   * Client: the offer to send, one element (RFC 7692 §7.1): the options' parameters, plus
   * `client_max_window_bits` (with `clientMaxWindowBits` as its value, or none: the server may choose).
   */
  offer(): readonly ExtensionParams[] {
    return [formatDeflateParameters(clientOffer(this.#options))];
  }

  /**
   * Client: checks the server's response (RFC 7692 §7.1): every parameter known, valid and at most
   * once, and an answer to one of `offers` (what was asked for is granted, window sizes no larger
   * than offered).
   *
   * @returns `null` to accept, or why the handshake must fail.
   */
  validateResponse(response: ExtensionParams, offers: readonly ExtensionParams[]): string | null {
    const parsed = parseDeflateParameters(response, 'response');
    if (typeof parsed === 'string') return parsed;
    let reason = 'the response answers none of the offers';
    for (const offer of offers) {
      const parsedOffer = parseDeflateParameters(offer, 'offer');
      if (typeof parsedOffer === 'string') continue;
      const mismatch = checkResponse(parsed, parsedOffer);
      if (mismatch === undefined) return null;
      reason = mismatch;
    }
    return reason;
  }

  /**
   * Server: answers the first of the client's offers (in the client's order of preference) that is
   * valid and that we can meet, honouring every parameter in it. Offers with unknown, duplicate or
   * invalid parameters are declined (RFC 7692 §7.1); when none is left, the extension is declined.
   *
   * @returns the response parameters, or `null` to decline.
   */
  accept(offers: readonly ExtensionParams[]): ExtensionParams | null {
    for (const offer of offers) {
      const parsed = parseDeflateParameters(offer, 'offer');
      if (typeof parsed === 'string') continue;
      const accepted = acceptOffer(parsed, this.#options);
      if (accepted !== undefined) return formatDeflateParameters(accepted);
    }
    return null;
  }

  /**
   * The extension for one connection, to pass to the engine as `extensions: [extension]`.
   *
   * @param agreed the parameters of the `permessage-deflate` element in the server's response: what
   *   `accept` returned (server), or the response element `validateResponse` accepted (client).
   * @param role the connection's role.
   * @throws TypeError when `agreed` is not a valid response or `role` is neither role.
   */
  createExtension(agreed: ExtensionParams, role: Role): ConnectionExtension {
    if (role !== 'client' && role !== 'server') {
      throw new TypeError(`createExtension: role must be 'client' or 'server', not ${String(role)}`);
    }
    if (!Array.isArray(agreed)) throw new TypeError('createExtension: agreed must be the parameter list');
    const parsed = parseDeflateParameters(agreed, 'response');
    if (typeof parsed === 'string')
      throw new TypeError(`createExtension: invalid agreed parameters: ${parsed}`);
    return new DeflateExtension(this.#zlib, this.#limiter, configure(parsed, role, this.#options));
  }
}

/**
 * Creates permessage-deflate (RFC 7692) for a client or a server: pass it to the handshake as an
 * extension negotiator, then give each connection `createExtension(agreed, role)`.
 *
 * @throws Error when the runtime has no `node:zlib` (and none is passed as `zlib`), with what to do.
 * @throws TypeError or RangeError for invalid options.
 */
export function perMessageDeflate(options: PerMessageDeflateOptions = {}): PerMessageDeflate {
  return new PerMessageDeflate(options);
}

import type { Extension, ExtensionParams } from './extensions.js';
import { asciiLowerCase, isToken } from './http-grammar.js';

/**
 * The client half of an extension (e.g. permessage-deflate, RFC 7692): what to offer, and whether
 * the server's answer is acceptable. An extension package implements it; the handshake calls it.
 */
export interface ClientExtensionNegotiator {
  /** The extension token, e.g. `permessage-deflate`; matched ASCII case-insensitively. */
  readonly name: string;
  /**
   * The offers to send, most preferred first: one `Sec-WebSocket-Extensions` element each (RFC 6455
   * §9.1 lets a client offer one extension several times with different parameters).
   */
  offer(): readonly ExtensionParams[];
  /**
   * Checks the parameters the server answered with against what was offered.
   *
   * @param response the parameters of the server's (single) element for this extension.
   * @param offers what {@link offer} returned.
   * @returns `null` or `undefined` to accept, or the reason to fail the connection.
   */
  validateResponse(response: ExtensionParams, offers: readonly ExtensionParams[]): string | null | undefined;
}

/**
 * The server half of an extension: choose among the client's offers for this extension and answer
 * with the parameters in use, or decline.
 */
export interface ServerExtensionNegotiator {
  /** The extension token, e.g. `permessage-deflate`; matched ASCII case-insensitively. */
  readonly name: string;
  /**
   * Called once per handshake in which the client offered this extension.
   *
   * @param offers the parameters of each of the client's offers for this extension, in the
   *   client's order of preference.
   * @returns the response parameters to accept (an empty array for none), or `null`/`undefined` to
   *   decline: the extension is then left out of the response.
   */
  accept(offers: readonly ExtensionParams[]): ExtensionParams | null | undefined;
}

/** Both halves, as an extension package would export them. */
export interface ExtensionNegotiator extends ClientExtensionNegotiator, ServerExtensionNegotiator {}

function checkNames(negotiators: readonly { name: string }[], method: 'offer' | 'accept'): void {
  if (negotiators.length === 0) return;
  const seen = new Set<string>();
  for (const negotiator of negotiators) {
    if (typeof negotiator?.name !== 'string' || !isToken(negotiator.name)) {
      throw new TypeError('extensions: each negotiator needs a name that is a token');
    }
    const lowerName = asciiLowerCase(negotiator.name);
    if (seen.has(lowerName)) throw new TypeError(`extensions: two negotiators are named ${negotiator.name}`);
    seen.add(lowerName);
    if (typeof (negotiator as unknown as Record<string, unknown>)[method] !== 'function') {
      throw new TypeError(`extensions: the negotiator ${negotiator.name} has no ${method}() method`);
    }
  }
}

/** What a client offered for one extension. */
export interface ClientOffers {
  readonly negotiator: ClientExtensionNegotiator;
  readonly offers: readonly ExtensionParams[];
}

/** Collects the client's offers (in negotiator order) and remembers them by lower-cased name. */
export function collectOffers(negotiators: readonly ClientExtensionNegotiator[]): {
  readonly elements: Extension[];
  readonly byName: Map<string, ClientOffers>;
} {
  checkNames(negotiators, 'offer');
  const elements: Extension[] = [];
  const byName = new Map<string, ClientOffers>();
  for (const negotiator of negotiators) {
    const offers = negotiator.offer();
    if (!Array.isArray(offers))
      throw new TypeError(`extensions: ${negotiator.name}.offer() must return an array`);
    if (offers.length === 0) continue;
    for (const params of offers) elements.push({ name: negotiator.name, params });
    byName.set(asciiLowerCase(negotiator.name), { negotiator, offers });
  }
  return { elements, byName };
}

/**
 * Server side: groups the client's offers by extension and asks each negotiator, in the order in
 * which the client first named its extension (the client's preference, RFC 6455 §9.1).
 *
 * @returns the accepted extensions, in response order.
 */
export function negotiateServerExtensions(
  offered: readonly Extension[],
  negotiators: readonly ServerExtensionNegotiator[],
): Extension[] {
  checkNames(negotiators, 'accept');
  if (negotiators.length === 0 || offered.length === 0) return [];
  const byName = new Map<string, ServerExtensionNegotiator>();
  for (const negotiator of negotiators) byName.set(asciiLowerCase(negotiator.name), negotiator);
  const grouped = new Map<string, ExtensionParams[]>();
  for (const extension of offered) {
    const lowerName = asciiLowerCase(extension.name);
    if (!byName.has(lowerName)) continue;
    const group = grouped.get(lowerName);
    if (group) group.push(extension.params);
    else grouped.set(lowerName, [extension.params]);
  }
  const accepted: Extension[] = [];
  for (const [lowerName, offers] of grouped) {
    const negotiator = byName.get(lowerName)!;
    const params = negotiator.accept(offers);
    if (params === null || params === undefined) continue;
    if (!Array.isArray(params)) {
      throw new TypeError(`extensions: ${negotiator.name}.accept() must return an array, null or undefined`);
    }
    accepted.push({ name: negotiator.name, params });
  }
  return accepted;
}

/**
 * Client side: checks the server's accepted extensions against what was offered.
 *
 * @returns the extensions in use, or the reason to fail the connection.
 */
export function validateClientExtensions(
  response: readonly Extension[],
  offered: ReadonlyMap<string, ClientOffers>,
): Extension[] | string {
  const used = new Set<string>();
  for (const extension of response) {
    const lowerName = asciiLowerCase(extension.name);
    const offer = offered.get(lowerName);
    if (!offer) return 'The server accepted an extension that was not offered';
    if (used.has(lowerName)) return 'The server accepted the same extension twice';
    used.add(lowerName);
    const reason = offer.negotiator.validateResponse(extension.params, offer.offers);
    if (reason !== null && reason !== undefined) {
      return `The server's parameters for ${offer.negotiator.name} were refused: ${String(reason)}`;
    }
  }
  return [...response];
}

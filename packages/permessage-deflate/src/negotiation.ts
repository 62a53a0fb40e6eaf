import type { Role } from '@wskit/codec';
import { MAX_WINDOW_BITS } from './constants.js';
import type { ExtensionConfiguration } from './deflate-extension.js';
import type { ResolvedOptions } from './options.js';
import type { DeflateParameters } from './parameters.js';

/** Client: the one offer our options make (RFC 7692 §7.1). `client_max_window_bits` is always offered. */
export function clientOffer(options: ResolvedOptions): DeflateParameters {
  return {
    serverNoContextTakeover: options.serverNoContextTakeover,
    clientNoContextTakeover: options.clientNoContextTakeover,
    serverMaxWindowBits: options.serverMaxWindowBits,
    // We can compress with any window, so let the server choose one (§7.1.2.2).
    clientMaxWindowBits: options.clientMaxWindowBits ?? true,
  };
}

/**
 * Client: checks the server's (already valid) response against one offer.
 *
 * @returns why the response does not answer that offer, or `undefined` when it does.
 */
export function checkResponse(response: DeflateParameters, offer: DeflateParameters): string | undefined {
  // §7.1.1.1: a server accepts server_no_context_takeover by including it.
  if (offer.serverNoContextTakeover && !response.serverNoContextTakeover) {
    return 'server_no_context_takeover was offered but the response does not include it';
  }
  // §7.1.2.1: a server accepts server_max_window_bits by answering it with the same or a smaller value.
  if (offer.serverMaxWindowBits !== undefined) {
    if (response.serverMaxWindowBits === undefined) {
      return `server_max_window_bits=${offer.serverMaxWindowBits} was offered but the response does not include it`;
    }
    if (response.serverMaxWindowBits > offer.serverMaxWindowBits) {
      return `server_max_window_bits=${response.serverMaxWindowBits} is larger than the ${offer.serverMaxWindowBits} offered`;
    }
  }
  // §7.1.2.2: only when offered, and never larger than the value offered.
  if (response.clientMaxWindowBits !== undefined) {
    if (offer.clientMaxWindowBits === undefined) {
      return 'the response includes client_max_window_bits, which was not offered';
    }
    const answered = response.clientMaxWindowBits === true ? MAX_WINDOW_BITS : response.clientMaxWindowBits;
    if (offer.clientMaxWindowBits !== true && answered > offer.clientMaxWindowBits) {
      return `client_max_window_bits=${String(response.clientMaxWindowBits)} is larger than the ${offer.clientMaxWindowBits} offered`;
    }
  }
  // client_no_context_takeover and an unrequested server_max_window_bits only bind the server or us,
  // and we can honour both.
  return undefined;
}

/**
 * Server: the response to one (already valid) offer, or `undefined` to decline it because it cannot
 * meet our options: `clientMaxWindowBits` is set and the client does not support
 * `client_max_window_bits`. Every parameter the client asks for is honoured (RFC 7692 §7.1).
 */
export function acceptOffer(
  offer: DeflateParameters,
  options: ResolvedOptions,
): DeflateParameters | undefined {
  if (options.clientMaxWindowBits !== undefined && offer.clientMaxWindowBits === undefined) return undefined;
  let serverMaxWindowBits: number | undefined;
  if (offer.serverMaxWindowBits !== undefined || options.serverMaxWindowBits !== undefined) {
    serverMaxWindowBits = Math.min(
      offer.serverMaxWindowBits ?? MAX_WINDOW_BITS,
      options.serverMaxWindowBits ?? MAX_WINDOW_BITS,
    );
  }
  let clientMaxWindowBits: number | undefined;
  if (offer.clientMaxWindowBits !== undefined) {
    const offered = offer.clientMaxWindowBits === true ? MAX_WINDOW_BITS : offer.clientMaxWindowBits;
    // Answer it when we limit the client, and echo a value the client chose itself, so that the
    // response tells both sides the window the server inflates with.
    if (options.clientMaxWindowBits !== undefined || offer.clientMaxWindowBits !== true) {
      clientMaxWindowBits = Math.min(offered, options.clientMaxWindowBits ?? MAX_WINDOW_BITS);
    }
  }
  return {
    serverNoContextTakeover: offer.serverNoContextTakeover || options.serverNoContextTakeover,
    clientNoContextTakeover: offer.clientNoContextTakeover || options.clientNoContextTakeover,
    serverMaxWindowBits,
    clientMaxWindowBits,
  };
}

/**
 * What a connection in `role` does under the agreed parameters (the server's response). Our own
 * options only ever make our side stricter: a smaller window or no context takeover is always
 * allowed for the compressor, and a client keeps what it promised in its offer even when the
 * response leaves it out.
 */
export function configure(
  agreed: DeflateParameters,
  role: Role,
  options: ResolvedOptions,
): ExtensionConfiguration {
  const common = { threshold: options.threshold, level: options.level, memoryLevel: options.memoryLevel };
  const clientBits = typeof agreed.clientMaxWindowBits === 'number' ? agreed.clientMaxWindowBits : undefined;
  if (role === 'server') {
    return {
      ...common,
      send: {
        windowBits: Math.min(
          agreed.serverMaxWindowBits ?? MAX_WINDOW_BITS,
          options.serverMaxWindowBits ?? MAX_WINDOW_BITS,
        ),
        noContextTakeover: agreed.serverNoContextTakeover || options.serverNoContextTakeover,
      },
      receive: {
        windowBits: clientBits ?? MAX_WINDOW_BITS,
        noContextTakeover: agreed.clientNoContextTakeover,
      },
    };
  }
  return {
    ...common,
    send: {
      windowBits: Math.min(clientBits ?? MAX_WINDOW_BITS, options.clientMaxWindowBits ?? MAX_WINDOW_BITS),
      noContextTakeover: agreed.clientNoContextTakeover || options.clientNoContextTakeover,
    },
    receive: {
      windowBits: agreed.serverMaxWindowBits ?? MAX_WINDOW_BITS,
      noContextTakeover: agreed.serverNoContextTakeover,
    },
  };
}

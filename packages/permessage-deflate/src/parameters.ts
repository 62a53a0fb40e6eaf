import type { ExtensionParams } from '@wskit/handshake';
import { MAX_WINDOW_BITS, MIN_WINDOW_BITS } from './constants.js';

/**
 * The parameters of one permessage-deflate offer or response (RFC 7692 §7.1), parsed and checked.
 * An absent parameter is `false` or `undefined`.
 */
export interface DeflateParameters {
  /** `server_no_context_takeover` (§7.1.1.1): the server resets its compression context per message. */
  readonly serverNoContextTakeover: boolean;
  /** `client_no_context_takeover` (§7.1.1.2): the client resets its compression context per message. */
  readonly clientNoContextTakeover: boolean;
  /** `server_max_window_bits` (§7.1.2.1): the largest LZ77 window the server compresses with, 8 to 15. */
  readonly serverMaxWindowBits: number | undefined;
  /**
   * `client_max_window_bits` (§7.1.2.2): the largest LZ77 window the client compresses with, 8 to 15,
   * or `true` when an offer carries it without a value (the client supports the parameter).
   */
  readonly clientMaxWindowBits: number | true | undefined;
}

type ParameterName =
  | 'server_no_context_takeover'
  | 'client_no_context_takeover'
  | 'server_max_window_bits'
  | 'client_max_window_bits';

const PARAMETER_NAMES: ReadonlySet<string> = new Set<ParameterName>([
  'server_no_context_takeover',
  'client_no_context_takeover',
  'server_max_window_bits',
  'client_max_window_bits',
]);

/**
 * Reads a window size value: `8` to `15` in decimal without leading zeros, the only values the
 * ABNF of RFC 7692 §7.1.2 allows (a quoted value arrives unquoted from the handshake parser).
 */
export function parseWindowBits(value: string): number | undefined {
  if (!/^[1-9][0-9]?$/.test(value)) return undefined;
  const bits = Number(value);
  return bits >= MIN_WINDOW_BITS && bits <= MAX_WINDOW_BITS ? bits : undefined;
}

function describe(name: string, value: string | true): string {
  return value === true ? name : `${name}=${value}`;
}

/**
 * Parses the parameters of one permessage-deflate element and checks them against RFC 7692 §7.1:
 * only the four parameters of §7.1 (names compared ASCII case-insensitively, RFC 9110 §5.6.6), each
 * at most once; the `*_no_context_takeover` ones without a value; window sizes from 8 to 15 without
 * leading zeros; `server_max_window_bits` always with a value; `client_max_window_bits` without one
 * only in an offer.
 *
 * @param kind `offer` for a client's offer, `response` for the server's answer (and agreed
 *   parameters).
 * @returns the parameters, or why they are invalid (the server then declines that offer; a client
 *   fails the handshake).
 */
export function parseDeflateParameters(
  params: ExtensionParams,
  kind: 'offer' | 'response',
): DeflateParameters | string {
  const seen = new Set<string>();
  let serverNoContextTakeover = false;
  let clientNoContextTakeover = false;
  let serverMaxWindowBits: number | undefined;
  let clientMaxWindowBits: number | true | undefined;
  for (const param of params) {
    const [rawName, value] = param;
    const name = rawName.toLowerCase();
    if (!PARAMETER_NAMES.has(name)) return `unknown parameter ${rawName}`;
    if (seen.has(name)) return `the parameter ${name} appears more than once`;
    seen.add(name);
    switch (name as ParameterName) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== true) return `${describe(name, value)}: this parameter takes no value`;
        if (name === 'server_no_context_takeover') serverNoContextTakeover = true;
        else clientNoContextTakeover = true;
        break;
      case 'server_max_window_bits':
      case 'client_max_window_bits': {
        if (value === true) {
          if (name === 'client_max_window_bits' && kind === 'offer') {
            clientMaxWindowBits = true;
            break;
          }
          return `${name} needs a value from ${MIN_WINDOW_BITS} to ${MAX_WINDOW_BITS}`;
        }
        const bits = parseWindowBits(value);
        if (bits === undefined) {
          return `${describe(name, value)}: the value must be ${MIN_WINDOW_BITS} to ${MAX_WINDOW_BITS} without leading zeros`;
        }
        if (name === 'server_max_window_bits') serverMaxWindowBits = bits;
        else clientMaxWindowBits = bits;
        break;
      }
    }
  }
  return { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits };
}

/** Formats parameters as an element's parameter list, in the order of RFC 7692 §7.1. */
export function formatDeflateParameters(parameters: DeflateParameters): ExtensionParams {
  const params: [string, string | true][] = [];
  if (parameters.serverNoContextTakeover) params.push(['server_no_context_takeover', true]);
  if (parameters.clientNoContextTakeover) params.push(['client_no_context_takeover', true]);
  if (parameters.serverMaxWindowBits !== undefined) {
    params.push(['server_max_window_bits', String(parameters.serverMaxWindowBits)]);
  }
  if (parameters.clientMaxWindowBits !== undefined) {
    const bits = parameters.clientMaxWindowBits;
    params.push(['client_max_window_bits', bits === true ? true : String(bits)]);
  }
  return params;
}

import { isToken, parseList, scanQuotedString, scanToken, skipWhitespace } from './http-grammar.js';

/**
 * One extension parameter: `[name, value]`, with `true` for a parameter without a value
 * (`server_no_context_takeover`) and a string otherwise (`client_max_window_bits=10`). Quoted values
 * arrive unquoted.
 */
export type ExtensionParam = readonly [name: string, value: string | true];

/** The parameters of one extension offer or response, in order; a name may repeat (RFC 6455 §9.1). */
export type ExtensionParams = readonly ExtensionParam[];

/**
 * One element of `Sec-WebSocket-Extensions`: an extension token with its parameters, e.g.
 * `{ name: 'permessage-deflate', params: [['client_max_window_bits', true]] }`.
 */
export interface Extension {
  /** The extension token, e.g. `permessage-deflate`, as sent. */
  readonly name: string;
  /** Its parameters, in order. */
  readonly params: ExtensionParams;
}

/**
 * Parses `Sec-WebSocket-Extensions` (RFC 6455 §9.1), given as one field value or as the values of
 * each field line, in order:
 *
 * ```
 * extension-list = 1#extension
 * extension      = extension-token *( ";" extension-param )
 * extension-param = token [ "=" (token | quoted-string) ]
 * ```
 *
 * A quoted value must be a token once unquoted, as §9.1 requires. Whitespace around `,`, `;` and
 * `=` and empty list elements are accepted (RFC 9110 §5.6.1). The same extension may appear several
 * times (several offers, most preferred first). Linear in the input.
 *
 * @returns the extensions in order (empty when there are none), or `null` when malformed.
 */
export function parseExtensions(value: string | readonly string[]): Extension[] | null {
  const texts = typeof value === 'string' ? [value] : value;
  for (const text of texts)
    if (typeof text !== 'string') throw new TypeError('parseExtensions: expected strings');
  return parseExtensionValues(texts);
}

/**
 * {@link parseExtensions} of field values read from a header list (strings), without the check.
 *
 * @internal
 */
export function parseExtensionValues(texts: readonly string[]): Extension[] | null {
  const extensions: Extension[] = [];
  const list = parseList(texts, (text, start) => {
    let i = scanToken(text, start);
    if (i === start) return -1;
    const name = text.slice(start, i);
    const params: ExtensionParam[] = [];
    i = skipWhitespace(text, i);
    while (text.charCodeAt(i) === 0x3b) {
      i = skipWhitespace(text, i + 1);
      const paramEnd = scanToken(text, i);
      if (paramEnd === i) return -1;
      const paramName = text.slice(i, paramEnd);
      i = skipWhitespace(text, paramEnd);
      let paramValue: string | true = true;
      if (text.charCodeAt(i) === 0x3d) {
        i = skipWhitespace(text, i + 1);
        if (text.charCodeAt(i) === 0x22) {
          const quoted = scanQuotedString(text, i);
          if (quoted === null || !isToken(quoted.value)) return -1;
          paramValue = quoted.value;
          i = quoted.end;
        } else {
          const valueEnd = scanToken(text, i);
          if (valueEnd === i) return -1;
          paramValue = text.slice(i, valueEnd);
          i = valueEnd;
        }
        i = skipWhitespace(text, i);
      }
      params.push([paramName, paramValue]);
    }
    extensions.push({ name, params });
    return i;
  });
  return list === null ? null : extensions;
}

/**
 * Formats extensions as a `Sec-WebSocket-Extensions` value, e.g.
 * `permessage-deflate; client_max_window_bits, permessage-deflate`. Throws `TypeError` when a name,
 * parameter name or value is not a token (§9.1 allows only token values, quoted or not).
 */
export function formatExtensions(extensions: readonly Extension[]): string {
  for (const extension of extensions) {
    if (typeof extension?.name !== 'string' || !isToken(extension.name)) {
      throw new TypeError('formatExtensions: an extension name must be a token');
    }
  }
  return formatNamedExtensions(extensions);
}

/**
 * {@link formatExtensions} of extensions named by negotiators, whose names were checked to be tokens
 * (their parameters are checked here).
 *
 * @internal
 */
export function formatNamedExtensions(extensions: readonly Extension[]): string {
  const parts: string[] = [];
  for (const extension of extensions) {
    let part = extension.name;
    for (const param of extension.params ?? []) {
      const [name, value] = param;
      if (typeof name !== 'string' || !isToken(name)) {
        throw new TypeError(`formatExtensions: a parameter name of ${extension.name} must be a token`);
      }
      if (value === true) {
        part += `; ${name}`;
      } else if (typeof value === 'string' && isToken(value)) {
        part += `; ${name}=${value}`;
      } else {
        throw new TypeError(
          `formatExtensions: the value of ${extension.name}; ${name} must be true or a token`,
        );
      }
    }
    parts.push(part);
  }
  return parts.join(', ');
}

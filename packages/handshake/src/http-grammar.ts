/**
 * The pieces of HTTP grammar the handshake needs (RFC 9110 §5.5, §5.6), as hand-written scanners:
 * every function looks at each character at most a constant number of times, so no input can make
 * them slower than linear. Internal to the package.
 */

/**
 * A table indexed by char code (`size` entries) that holds 1 for the ASCII digits and letters and for
 * each char of `others`, 0 elsewhere.
 */
function charTable(size: number, others: string): Uint8Array {
  const table = new Uint8Array(size);
  for (const char of others) table[char.charCodeAt(0)] = 1;
  // 0-9, A-Z and a-z, skipping the punctuation between them (: to @, [ to `).
  for (let code = 0x30; code <= 0x7a; code++) {
    if (code <= 0x39 || (code >= 0x41 && code <= 0x5a) || code >= 0x61) table[code] = 1;
  }
  return table;
}

/** `tchar` of RFC 9110 §5.6.2, indexed by byte value. */
const TOKEN_CHARS = /* @__PURE__ */ charTable(256, "!#$%&'*+-.^_`|~");

/** Whether byte or char code `code` is a `tchar` (RFC 9110 §5.6.2). */
export function isTokenChar(code: number): boolean {
  return code < 256 && TOKEN_CHARS[code] === 1;
}

/** Whether `text` is a non-empty `token` (RFC 9110 §5.6.2). */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

/** Whether `code` may appear inside a field value: HTAB, SP, VCHAR, obs-text (RFC 9110 §5.5). */
export function isFieldValueChar(code: number): boolean {
  return code === 0x09 || (code >= 0x20 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
}

/** Whether `code` is an ASCII digit, 0-9. */
export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Whether `code` is optional whitespace: SP or HTAB (RFC 9110 §5.6.3). */
export function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Whether `text` is a valid field value (after trimming): no CR, LF, NUL or other controls, ≤ U+00FF. */
export function isFieldValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isFieldValueChar(text.charCodeAt(i))) return false;
  return true;
}

/** The index of the first char from `start` on that is not SP or HTAB (`text.length` if none). */
export function skipWhitespace(text: string, start: number): number {
  let i = start;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** `text` without leading and trailing SP and HTAB. */
export function trimWhitespace(text: string): string {
  const start = skipWhitespace(text, 0);
  let end = text.length;
  while (end > start && isWhitespace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** ASCII-only lower-casing: header names and tokens are ASCII, and `toLowerCase` is locale-free for them. */
export function asciiLowerCase(text: string): string {
  for (let i = 0; i < text.length; i++) {
    // Beyond ASCII, `toLowerCase` would change more than A-Z (e.g. U+0130): lower-case by hand.
    if (text.charCodeAt(i) > 0x7f) return lowerAsciiLetters(text);
  }
  // All ASCII: the built-in lower-cases exactly A-Z, in one allocation (none when there is no A-Z in
  // V8, as fast as checking for A-Z first in interleaved runs).
  return text.toLowerCase();
}

/** `text` with A-Z lower-cased and every other char kept. */
function lowerAsciiLetters(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out += code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 0x20) : text[i];
  }
  return out;
}

/** Decodes bytes as ISO-8859-1: one char per byte, so every byte survives (obs-text included). */
export function decodeLatin1(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  const step = 4096;
  for (let from = start; from < end; from += step) {
    const to = Math.min(end, from + step);
    out += String.fromCharCode.apply(null, bytes.subarray(from, to) as unknown as number[]);
  }
  return out;
}

/**
 * Whether `text` is a non-empty run of visible ASCII (no space, control or char above U+007E): what
 * a request target may hold once percent-encoded (RFC 3986 §2, RFC 9112 §3.2).
 */
export function isVisibleAscii(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) return false;
  }
  return true;
}

/** Writes `text` (every char ≤ U+00FF, checked by the caller) into `target` at `offset` as ISO-8859-1. */
export function writeLatin1(text: string, target: Uint8Array, offset: number): number {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
  return offset + text.length;
}

/**
 * Parses a comma-separated list (RFC 9110 §5.6.1) spread over one or more field values: empty
 * elements and the whitespace around elements are skipped, and each element must match
 * `scanElement`, which returns the index just after the element or -1.
 *
 * @returns the elements, or `null` when an element is malformed.
 */
export function parseList(
  values: readonly string[],
  scanElement: (text: string, start: number) => number,
): string[] | null {
  const elements: string[] = [];
  for (const text of values) {
    let i = 0;
    const length = text.length;
    while (i < length) {
      const code = text.charCodeAt(i);
      if (code === 0x2c || isWhitespace(code)) {
        i++;
        continue;
      }
      const end = scanElement(text, i);
      if (end <= i) return null;
      elements.push(text.slice(i, end));
      i = skipWhitespace(text, end);
      if (i < length && text.charCodeAt(i) !== 0x2c) return null;
    }
  }
  return elements;
}

/** Scans a `token` starting at `start`; returns the index after it (`start` when there is none). */
export function scanToken(text: string, start: number): number {
  let i = start;
  while (i < text.length && isTokenChar(text.charCodeAt(i))) i++;
  return i;
}

/** Scans `token ["/" token]`, an element of `Upgrade` (RFC 9110 §7.8). */
export function scanProtocol(text: string, start: number): number {
  const end = scanToken(text, start);
  if (end === start || text.charCodeAt(end) !== 0x2f) return end;
  const versionEnd = scanToken(text, end + 1);
  return versionEnd === end + 1 ? -1 : versionEnd;
}

/**
 * Scans a `quoted-string` (RFC 9110 §5.6.4) whose opening quote is at `start`.
 *
 * @returns the index after the closing quote and the unescaped content, or `null` if unterminated
 *   or holding a character a quoted-string may not hold.
 */
export function scanQuotedString(text: string, start: number): { end: number; value: string } | null {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return { end: i + 1, value };
    if (code === 0x5c) {
      if (i + 1 >= text.length) return null;
      const escaped = text.charCodeAt(i + 1);
      if (!isFieldValueChar(escaped)) return null;
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (!isFieldValueChar(code)) return null;
    value += text[i];
    i++;
  }
  return null;
}

/** Whether `version` (e.g. `1.1`) is HTTP/1.1 or a later 1.x. */
export function isHttp11OrLater(version: string): boolean {
  if (typeof version !== 'string' || version.length < 3 || !version.startsWith('1.')) return false;
  for (let i = 2; i < version.length; i++) if (!isDigit(version.charCodeAt(i))) return false;
  // Digits only: Number reads them (a long run as a large number or Infinity, still at least 1).
  return Number(version.slice(2)) >= 1;
}

/** The chars of a `Host` value: reg-name, IP literal and port (RFC 3986 §3.2). */
const HOST_CHARS = /* @__PURE__ */ charTable(128, "-._~!$&'()*+,;=%:[]");

/** Whether `value` is a plausible `Host`: non-empty, reg-name/IP-literal/port chars only. */
export function isValidHost(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 128 || HOST_CHARS[code] !== 1) return false;
  }
  return true;
}

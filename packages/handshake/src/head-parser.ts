import { CLIENT_SIDE_STATUS, HandshakeError, type HandshakeErrorCode } from './errors.js';
import { appendChecked, HeaderList } from './header-list.js';
import {
  asciiLowerCase,
  decodeLatin1,
  isDigit,
  isFieldValue,
  isToken,
  isVisibleAscii,
  isWhitespace,
  trimWhitespace,
} from './http-grammar.js';

/** Which head a {@link HeadParser} reads: a request (server side) or a response (client side). */
export type HeadKind = 'request' | 'response';

/** A parsed HTTP/1.x request head: request line and header fields (RFC 9112 §3, §5). */
export interface RequestHead {
  /** The method token, case-sensitive (RFC 9110 §9.1), e.g. `GET`. */
  readonly method: string;
  /** The request target as sent, e.g. `/chat?room=1` (RFC 9112 §3.2). */
  readonly target: string;
  /** The protocol version without `HTTP/`, e.g. `1.1`. */
  readonly version: string;
  /** The header fields, in order. */
  readonly headers: HeaderList;
}

/** A parsed HTTP/1.x response head: status line and header fields (RFC 9112 §4, §5). */
export interface ResponseHead {
  /** The protocol version without `HTTP/`, e.g. `1.1` (`2` for an HTTP/2 response). */
  readonly version: string;
  /** The three-digit status code, e.g. 101. */
  readonly status: number;
  /** The reason phrase as sent, possibly empty; carries no meaning (RFC 9112 §4). */
  readonly reason: string;
  /** The header fields, in order. */
  readonly headers: HeaderList;
}

/** The head type a {@link HeadParser} of kind `Kind` produces. */
export type HeadOf<Kind extends HeadKind> = Kind extends 'request' ? RequestHead : ResponseHead;

/** Size limits of a {@link HeadParser}. Exceeding one is a 414 or 431 error, never an allocation. */
export interface HeadLimits {
  /** The most bytes the head may take, its final empty line included. */
  readonly maxHeadSize: number;
  /** The most header field lines. */
  readonly maxHeaderCount: number;
  /** The most bytes in one line (request, status or field line), its CRLF excluded. */
  readonly maxLineLength: number;
}

/**
 * The default limits: a 16 KiB head, 100 header fields, 8 KiB lines (the defaults of common
 * servers; browsers' handshakes are well under 2 KiB).
 */
export const DefaultHeadLimits: Readonly<HeadLimits> = Object.freeze({
  maxHeadSize: 16 * 1024,
  maxHeaderCount: 100,
  maxLineLength: 8 * 1024,
});

/**
 * What one {@link HeadParser.write} call found: more bytes needed (`done: false`), the complete head
 * with the bytes that followed it (`ok: true`), or the peer's error (`ok: false`).
 */
export type HeadParseResult<Head> =
  | {
      /** The head is not complete yet: write the next chunk. Everything given so far is consumed. */
      readonly done: false;
    }
  | {
      /** The parser has finished: write nothing more to it. */
      readonly done: true;
      /** The head is complete and valid. */
      readonly ok: true;
      /** The parsed head. */
      readonly head: Head;
      /**
       * The bytes of the last chunk after the head (frames sent early, or a response body): a view
       * into that chunk, possibly empty. Hand them to the next layer; nothing is kept back.
       */
      readonly rest: Uint8Array;
    }
  | {
      /** The parser has finished: write nothing more to it. */
      readonly done: true;
      /** The head is malformed or over a limit: answer `error.status` and close. */
      readonly ok: false;
      /** What is wrong, with the status to answer (400, 414, 431, 505; 502 for a response). */
      readonly error: HandshakeError;
    };

const CR = 0x0d;
const LF = 0x0a;
const INCOMPLETE: HeadParseResult<never> = Object.freeze({ done: false });

/** The line buffer of a parser before its first byte and after it is done: nothing is written to it. */
const NO_LINE = new Uint8Array(0);

/** The first capacity of the line buffer; it doubles up to `maxLineLength`. */
const INITIAL_LINE_CAPACITY = 256;

/** What {@link HeadParser.write} returns for the peer's error. */
type Failure = { done: true; ok: false; error: HandshakeError };

/**
 * An incremental HTTP/1.x head parser (RFC 9112): feed it bytes in any chunking, one byte at a time
 * or all at once, and it reports the head as soon as the empty line that ends it arrives, along with
 * the bytes after it. Each byte is looked at a constant number of times and memory is bounded by
 * `maxLineLength`; no regular expression is used.
 *
 * It is strict: lines end with CRLF (a bare CR or LF is an error), obsolete line folding, whitespace
 * before a colon, and control characters (NUL included) in values are rejected, each with the status
 * a server should answer. A request may be preceded by empty lines (RFC 9112 §2.2).
 */
export class HeadParser<Kind extends HeadKind = HeadKind> {
  /** Which head this parser reads. */
  readonly kind: Kind;
  /** The limits in force. */
  readonly limits: Readonly<HeadLimits>;
  #line = NO_LINE;
  #lineLength = 0;
  #headSize = 0;
  #sawCR = false;
  #headerCount = 0;
  #startLine:
    | { method: string; target: string; version: string }
    | { version: string; status: number; reason: string }
    | undefined;
  #headers = new HeaderList();
  #finished = false;

  /**
   * @param kind `'request'` on the server side, `'response'` on the client side.
   * @param limits overrides of {@link DefaultHeadLimits}; an `undefined` field keeps the default.
   */
  constructor(kind: Kind, limits: Partial<HeadLimits> = {}) {
    if (kind !== 'request' && kind !== 'response') {
      throw new TypeError("HeadParser: kind must be 'request' or 'response'");
    }
    const merged = { ...DefaultHeadLimits };
    for (const name of Object.keys(merged) as (keyof HeadLimits)[]) {
      const value = limits[name] ?? merged[name];
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(`HeadParser: ${name} must be a positive integer`);
      }
      merged[name] = value;
    }
    this.kind = kind;
    this.limits = Object.freeze(merged);
  }

  /**
   * Parses the next chunk. Returns `{ done: false }` while the head is incomplete; then once either
   * the head (with the rest of this chunk) or the peer's error. Never throws for the peer's bytes;
   * throws `TypeError` if called again after a `done` result.
   */
  write(chunk: Uint8Array): HeadParseResult<HeadOf<Kind>> {
    if (this.#finished) {
      throw new TypeError('HeadParser.write: the head is already complete or failed');
    }
    if (!(chunk instanceof Uint8Array)) throw new TypeError('HeadParser.write: chunk must be a Uint8Array');
    const { maxHeadSize, maxLineLength } = this.limits;
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      const byte = chunk[i]!;
      if (++this.#headSize > maxHeadSize) {
        return this.#fail('WS_HANDSHAKE_ERR_HEAD_TOO_LARGE', `The head is larger than ${maxHeadSize} bytes`);
      }
      if (this.#sawCR) {
        if (byte !== LF)
          return this.#fail('WS_HANDSHAKE_ERR_INVALID_LINE_ENDING', 'A CR is not followed by LF');
        this.#sawCR = false;
        const failure = this.#completeLine();
        if (failure) return failure;
        this.#lineLength = 0;
        if (this.#finished) {
          const head = { ...this.#startLine!, headers: this.#headers } as unknown as HeadOf<Kind>;
          return { done: true, ok: true, head, rest: chunk.subarray(i + 1) };
        }
      } else if (byte === CR) {
        this.#sawCR = true;
      } else if (byte === LF) {
        return this.#fail('WS_HANDSHAKE_ERR_INVALID_LINE_ENDING', 'An LF is not preceded by CR');
      } else if (this.#lineLength === maxLineLength) {
        const start = this.#startLine === undefined;
        return this.#fail(
          start ? 'WS_HANDSHAKE_ERR_START_LINE_TOO_LONG' : 'WS_HANDSHAKE_ERR_HEADER_LINE_TOO_LONG',
          `${start ? 'The start line' : 'A header line'} is longer than ${maxLineLength} bytes`,
        );
      } else {
        if (this.#lineLength === this.#line.length) this.#growLine();
        this.#line[this.#lineLength++] = byte;
      }
    }
    return INCOMPLETE;
  }

  /**
   * Tells the parser the stream ended. Returns the `WS_HANDSHAKE_ERR_INCOMPLETE_HEAD` error when the
   * head was not complete, `undefined` when it was (or had already failed).
   */
  end(): HandshakeError | undefined {
    if (this.#finished) return undefined;
    return this.#fail('WS_HANDSHAKE_ERR_INCOMPLETE_HEAD', 'The stream ended before the head was complete')
      .error;
  }

  #growLine(): void {
    const capacity = Math.min(
      this.limits.maxLineLength,
      Math.max(INITIAL_LINE_CAPACITY, this.#line.length * 2),
    );
    const grown = new Uint8Array(capacity);
    grown.set(this.#line.subarray(0, this.#lineLength));
    this.#line = grown;
  }

  /**
   * Ends the parse with the peer's error `code`: with the table's status on the server side, 502 on
   * the client side.
   */
  #fail(code: HandshakeErrorCode, message: string): Failure {
    this.#finished = true;
    this.#line = NO_LINE;
    const status = this.kind === 'response' ? CLIENT_SIDE_STATUS : undefined;
    return { done: true, ok: false, error: new HandshakeError(code, message, status) };
  }

  /**
   * Handles the complete line in the buffer, read as text (one char per byte) so that it is checked
   * by the same grammar functions as the fields a caller adds to a {@link HeaderList}; returns the
   * peer's error, if any.
   */
  #completeLine(): Failure | undefined {
    const length = this.#lineLength;
    const text = decodeLatin1(this.#line, 0, length);
    if (this.#startLine === undefined) {
      const request = this.kind === 'request';
      if (length === 0 && request) return undefined; // RFC 9112 §2.2: ignore leading empty lines
      this.#startLine = request ? parseRequestLine(text) : parseStatusLine(text);
      if (this.#startLine !== undefined) return undefined;
      return request
        ? this.#fail('WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE', 'The request line is malformed')
        : this.#fail('WS_HANDSHAKE_ERR_INVALID_STATUS_LINE', 'The status line is malformed');
    }
    if (length === 0) {
      this.#finished = true;
      this.#line = NO_LINE;
      return undefined;
    }
    if (isWhitespace(text.charCodeAt(0))) {
      return this.#fail(
        'WS_HANDSHAKE_ERR_OBSOLETE_LINE_FOLDING',
        'A header line starts with whitespace (obsolete line folding)',
      );
    }
    if (++this.#headerCount > this.limits.maxHeaderCount) {
      return this.#fail(
        'WS_HANDSHAKE_ERR_TOO_MANY_HEADERS',
        `The head has more than ${this.limits.maxHeaderCount} header fields`,
      );
    }
    // `field-name ":" OWS field-value OWS` (RFC 9112 §5): the name ends at the first colon.
    const colon = text.indexOf(':');
    const name = text.slice(0, colon);
    if (colon < 1 || !isToken(name)) {
      return this.#fail(
        'WS_HANDSHAKE_ERR_INVALID_HEADER_NAME',
        'A header name is empty, not a token, or followed by whitespace before the colon',
      );
    }
    const value = trimWhitespace(text.slice(colon + 1));
    if (!isFieldValue(value)) {
      return this.#fail(
        'WS_HANDSHAKE_ERR_INVALID_HEADER_VALUE',
        'A header value holds NUL or another control character',
      );
    }
    // Both checked: no need for append's checks.
    appendChecked(this.#headers, name, asciiLowerCase(name), value);
    return undefined;
  }
}

/** Parses `HTTP/` DIGIT `.` DIGIT (RFC 9112 §2.3); returns e.g. `1.1`, or undefined. */
function parseVersion(text: string): string | undefined {
  return text.length === 8 &&
    text.startsWith('HTTP/') &&
    isDigit(text.charCodeAt(5)) &&
    text[6] === '.' &&
    isDigit(text.charCodeAt(7))
    ? text.slice(5)
    : undefined;
}

/** `method SP request-target SP HTTP-version` (RFC 9112 §3), single spaces only. */
function parseRequestLine(text: string): { method: string; target: string; version: string } | undefined {
  const [method = '', target = '', version = '', ...more] = text.split(' ');
  const parsedVersion = parseVersion(version);
  // The request target is a URI reference: visible ASCII only (RFC 3986 §2).
  if (more.length > 0 || !isToken(method) || !isVisibleAscii(target) || parsedVersion === undefined)
    return undefined;
  return { method, target, version: parsedVersion };
}

/** `HTTP-version SP status-code SP [reason-phrase]` (RFC 9112 §4); a missing final SP is tolerated. */
function parseStatusLine(text: string): { version: string; status: number; reason: string } | undefined {
  const version = parseVersion(text.slice(0, 8));
  const reason = text.slice(13);
  if (
    version === undefined ||
    text[8] !== ' ' ||
    !isDigit(text.charCodeAt(9)) ||
    !isDigit(text.charCodeAt(10)) ||
    !isDigit(text.charCodeAt(11)) ||
    (text.length > 12 && text[12] !== ' ') ||
    !isFieldValue(reason)
  )
    return undefined;
  // Three digits: Number reads them exactly.
  const status = Number(text.slice(9, 12));
  return status < 100 ? undefined : { version, status, reason };
}

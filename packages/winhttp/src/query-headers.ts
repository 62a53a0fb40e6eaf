/**
 * `WinHttpQueryHeaders` over a parsed head: the status line's parts, the raw headers (CRLF or NUL
 * separated), a header by info level or by name (`WINHTTP_QUERY_CUSTOM`), the n-th of repeated
 * headers through `lpdwIndex`, as a string or, with `WINHTTP_QUERY_FLAG_NUMBER`, a number.
 */
import type { HeaderList } from '@wskit/handshake';
import {
  ERROR_INSUFFICIENT_BUFFER,
  ERROR_INVALID_PARAMETER,
  ERROR_WINHTTP_HEADER_NOT_FOUND,
  ERROR_WINHTTP_INVALID_QUERY_REQUEST,
  NO_ERROR,
} from './error-codes.js';
import {
  WINHTTP_QUERY_CUSTOM,
  WINHTTP_QUERY_FLAG_NUMBER,
  WINHTTP_QUERY_FLAG_REQUEST_HEADERS,
  WINHTTP_QUERY_RAW_HEADERS,
  WINHTTP_QUERY_RAW_HEADERS_CRLF,
  WINHTTP_QUERY_STATUS_CODE,
  WINHTTP_QUERY_STATUS_TEXT,
  WINHTTP_QUERY_VERSION,
} from './option-constants.js';
import type { OutParameter } from './types.js';

/** The header names of the numbered info levels of `winhttp.h` (`WINHTTP_QUERY_MIME_VERSION` = 0 …). */
const LEVEL_NAMES: readonly (string | undefined)[] = [
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'Content-ID',
  'Content-Description',
  'Content-Length',
  'Content-Language',
  'Allow',
  'Public',
  'Date',
  'Expires',
  'Last-Modified',
  'Message-ID',
  'URI',
  'Derived-From',
  'Cost',
  'Link',
  'Pragma',
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  'Connection',
  'Accept',
  'Accept-Charset',
  'Accept-Encoding',
  'Accept-Language',
  'Authorization',
  'Content-Encoding',
  'Forwarded',
  'From',
  'If-Modified-Since',
  'Location',
  'Orig-URI',
  'Referer',
  'Retry-After',
  'Server',
  'Title',
  'User-Agent',
  'WWW-Authenticate',
  'Proxy-Authenticate',
  'Accept-Ranges',
  'Set-Cookie',
  'Cookie',
  undefined,
  'Refresh',
  'Content-Disposition',
  'Age',
  'Cache-Control',
  'Content-Base',
  'Content-Location',
  'Content-MD5',
  'Content-Range',
  'ETag',
  'Host',
  'If-Match',
  'If-None-Match',
  'If-Range',
  'If-Unmodified-Since',
  'Max-Forwards',
  'Proxy-Authorization',
  'Range',
  'Transfer-Encoding',
  'Upgrade',
  'Vary',
  'Via',
  'Warning',
  'Expect',
  'Proxy-Connection',
  'Unless-Modified-Since',
  undefined,
  undefined,
  undefined,
  undefined,
  'Proxy-Support',
  'Authentication-Info',
  'Passport-URLs',
  'Passport-Config',
];

/** A head to query: the start line's parts and the header fields. */
export interface QueryableHead {
  /** The version without `HTTP/`. */
  readonly version: string;
  /** The start line as sent, e.g. `HTTP/1.1 101 Switching Protocols` or `GET /chat HTTP/1.1`. */
  readonly startLine: string;
  /** The status code (responses), or `undefined` (requests). */
  readonly status?: number;
  /** The reason phrase (responses). */
  readonly reason?: string;
  readonly headers: HeaderList;
}

/** The flag bits `WinHttpQueryHeaders` understands; the info level is the low 16 bits. */
const KNOWN_FLAGS = WINHTTP_QUERY_FLAG_NUMBER | WINHTTP_QUERY_FLAG_REQUEST_HEADERS;

/** Whether `dwInfoLevel` asks for the request's headers. */
export function asksForRequestHeaders(infoLevel: number): boolean {
  return ((infoLevel >>> 0) & WINHTTP_QUERY_FLAG_REQUEST_HEADERS) !== 0;
}

/**
 * Answers a query: `NO_ERROR` with `buffer.value` (and `bufferLength.value`, the size in bytes of
 * the UTF-16 string or 4 for a number) and `index.value` advanced, or an error code. A `null`
 * buffer asks for the size: `ERROR_INSUFFICIENT_BUFFER` with `bufferLength.value`.
 */
export function queryHead(
  head: QueryableHead,
  infoLevel: number,
  name: string | null,
  buffer: OutParameter<string | number> | null,
  bufferLength: OutParameter<number> | null | undefined,
  index: OutParameter<number> | null | undefined,
): number {
  if (typeof infoLevel !== 'number') return ERROR_INVALID_PARAMETER;
  const flags = (infoLevel >>> 0) & 0xffff0000;
  if ((flags & ~KNOWN_FLAGS) !== 0) return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
  const level = infoLevel & 0xffff;
  const position = index?.value ?? 0;
  if (!Number.isInteger(position) || position < 0) return ERROR_INVALID_PARAMETER;
  let text: string | undefined;
  let indexed = false;
  if (level === WINHTTP_QUERY_VERSION) text = `HTTP/${head.version}`;
  else if (level === WINHTTP_QUERY_STATUS_CODE)
    text = head.status === undefined ? undefined : String(head.status);
  else if (level === WINHTTP_QUERY_STATUS_TEXT) text = head.reason;
  else if (level === WINHTTP_QUERY_RAW_HEADERS_CRLF) text = rawHeaders(head, '\r\n');
  else if (level === WINHTTP_QUERY_RAW_HEADERS) text = rawHeaders(head, '\0');
  else {
    const headerName = level === WINHTTP_QUERY_CUSTOM ? name : LEVEL_NAMES[level];
    if (typeof headerName !== 'string' || headerName === '') return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
    text = head.headers.getAll(headerName)[position];
    indexed = true;
  }
  if (text === undefined) return ERROR_WINHTTP_HEADER_NOT_FOUND;
  let value: string | number = text;
  if ((flags & WINHTTP_QUERY_FLAG_NUMBER) !== 0) {
    if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
    value = Number(text);
  }
  const size = typeof value === 'number' ? 4 : (value.length + 1) * 2;
  if (bufferLength) bufferLength.value = size;
  if (buffer === null || buffer === undefined) return ERROR_INSUFFICIENT_BUFFER;
  if (typeof buffer !== 'object') return ERROR_INVALID_PARAMETER;
  buffer.value = value;
  if (indexed && index) index.value = position + 1;
  return NO_ERROR;
}

/** The start line and every header line, each followed by `separator`, then one more. */
function rawHeaders(head: QueryableHead, separator: string): string {
  let text = head.startLine + separator;
  for (const [name, value] of head.headers) text += `${name}: ${value}${separator}`;
  return text + separator;
}

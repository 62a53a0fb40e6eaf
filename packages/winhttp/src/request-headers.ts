/**
 * `WinHttpAddRequestHeaders` and the `lpszHeaders` of `WinHttpSendRequest`: header lines separated
 * by CRLF, applied to the request's header list with the `WINHTTP_ADDREQ_FLAG_*` modifiers. All
 * lines are checked before any is applied, so a failing call changes nothing.
 */
import { HeaderList } from '@wskit/handshake';
import {
  ERROR_INVALID_PARAMETER,
  ERROR_WINHTTP_HEADER_ALREADY_EXISTS,
  ERROR_WINHTTP_HEADER_NOT_FOUND,
  ERROR_WINHTTP_INVALID_HEADER,
  NO_ERROR,
} from './error-codes.js';
import {
  WINHTTP_ADDREQ_FLAG_ADD,
  WINHTTP_ADDREQ_FLAG_ADD_IF_NEW,
  WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA,
  WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON,
  WINHTTP_ADDREQ_FLAG_REPLACE,
} from './option-constants.js';

/** `(DWORD)-1`: the headers string is NUL-terminated, i.e. the whole string. */
const WHOLE_STRING = 0xffffffff;

/** The text of `lpszHeaders` given `dwHeadersLength` (`-1`/`0xFFFFFFFF` or 0 for all of it), or `undefined`. */
export function headerText(text: string | null, length: number): string | undefined {
  if (text === null || text === undefined) return length === 0 ? '' : undefined;
  if (typeof text !== 'string' || typeof length !== 'number') return undefined;
  if (length === -1 || length === WHOLE_STRING || length === 0) return text;
  if (!Number.isInteger(length) || length < 0 || length > text.length) return undefined;
  return text.slice(0, length);
}

/** Splits header lines into `[name, value]` pairs, or `undefined` when a line is not `name: value`. */
function parseLines(text: string): [string, string][] | undefined {
  const fields: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    if (name.trim() !== name) return undefined;
    fields.push([name, line.slice(colon + 1).trim()]);
  }
  return fields;
}

/**
 * Applies header lines to `list` with `modifiers`; returns the new list (the old one is left as it
 * was) and `NO_ERROR`, or an error code and no list.
 */
export function applyRequestHeaders(
  list: HeaderList,
  text: string | null,
  length: number,
  modifiers: number,
): { error: number; headers?: HeaderList } {
  const source = headerText(text, length);
  if (source === undefined || typeof modifiers !== 'number') return { error: ERROR_INVALID_PARAMETER };
  const fields = parseLines(source);
  if (fields === undefined) return { error: ERROR_WINHTTP_INVALID_HEADER };
  const headers = new HeaderList(list);
  try {
    for (const [name, value] of fields) {
      const error = applyOne(headers, name, value, modifiers >>> 0);
      if (error !== NO_ERROR) return { error };
    }
  } catch {
    // HeaderList refuses a name that is not a token, a value with CR, LF or NUL.
    return { error: ERROR_WINHTTP_INVALID_HEADER };
  }
  return { error: NO_ERROR, headers };
}

function applyOne(headers: HeaderList, name: string, value: string, modifiers: number): number {
  const exists = headers.has(name);
  if ((modifiers & WINHTTP_ADDREQ_FLAG_REPLACE) !== 0) {
    if (exists) {
      if (value === '') headers.delete(name);
      else headers.set(name, value);
      return NO_ERROR;
    }
    if ((modifiers & WINHTTP_ADDREQ_FLAG_ADD) === 0) return ERROR_WINHTTP_HEADER_NOT_FOUND;
    if (value !== '') headers.append(name, value);
    return NO_ERROR;
  }
  if ((modifiers & WINHTTP_ADDREQ_FLAG_ADD_IF_NEW) !== 0 && exists)
    return ERROR_WINHTTP_HEADER_ALREADY_EXISTS;
  const coalesce =
    (modifiers & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA) !== 0
      ? ', '
      : (modifiers & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON) !== 0
        ? '; '
        : undefined;
  if (coalesce !== undefined && exists) {
    headers.set(name, `${headers.getAll(name).join(coalesce)}${coalesce}${value}`);
    return NO_ERROR;
  }
  headers.append(name, value);
  return NO_ERROR;
}

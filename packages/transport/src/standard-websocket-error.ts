import {
  enforceUnsignedShort,
  enumerableMembers,
  toDOMString,
  validateCloseCodeAndReason,
} from './standard-steps.js';

/** The close code and reason of a `WebSocketStream` (the standard's `WebSocketCloseInfo`). */
export interface WebSocketCloseInfo {
  /** The close code: 1000 or 3000–4999 to send; what the peer sent (or 1005, 1006) when received. */
  closeCode?: number | undefined;
  /** The close reason, at most 123 bytes of UTF-8 (default `''`). */
  reason?: string | undefined;
}

const DOMExceptionBase = (typeof DOMException === 'function' ? DOMException : Error) as typeof DOMException;

/** Set by {@link uncleanCloseError} for the one construction that skips validation. */
let unvalidated: { closeCode: number; reason: string } | undefined;

/**
 * The standard's `WebSocketError` (a `DOMException` named `WebSocketError`), with the `closeCode`
 * and `reason` of a `WebSocketStream`'s unclean close, or given to `writable.abort(error)` /
 * `readable.cancel(error)` to close with that code and reason. Exported under this name because
 * this package's `WebSocketError` is the library's own error class; its `name` is `WebSocketError`,
 * as code written for browsers expects.
 *
 * The constructor validates as the standard says: `closeCode` 1000 or 3000–4999 (else an
 * `InvalidAccessError` `DOMException`), `reason` at most 123 bytes (else a `SyntaxError`); a reason
 * without a code means 1000.
 */
export class StandardWebSocketError extends DOMExceptionBase {
  readonly #closeCode: number | null;
  readonly #reason: string;

  constructor(message: string = '', init: WebSocketCloseInfo = {}) {
    super(toDOMString(message), 'WebSocketError');
    if (unvalidated !== undefined) {
      this.#closeCode = unvalidated.closeCode;
      this.#reason = unvalidated.reason;
      return;
    }
    const code = init?.closeCode === undefined ? undefined : enforceUnsignedShort(init.closeCode);
    const reason = init?.reason === undefined ? '' : toDOMString(init.reason);
    this.#closeCode = validateCloseCodeAndReason(code, reason) ?? null;
    this.#reason = reason;
  }

  /** The close code, or `null` when none was given. */
  get closeCode(): number | null {
    return this.#closeCode;
  }

  /** The close reason (`''` for none). */
  get reason(): string {
    return this.#reason;
  }
}

enumerableMembers(StandardWebSocketError.prototype, ['closeCode', 'reason']);

/** The error of an unclean close: any code (1006 too), not validated as a code one may send. */
export function uncleanCloseError(
  message: string,
  closeCode: number,
  reason: string,
): StandardWebSocketError {
  unvalidated = { closeCode, reason };
  try {
    return new StandardWebSocketError(message);
  } finally {
    unvalidated = undefined;
  }
}

/** Whether `value` is a {@link StandardWebSocketError} (or another copy's or realm's `WebSocketError`). */
export function isStandardWebSocketError(value: unknown): value is StandardWebSocketError {
  if (value instanceof StandardWebSocketError) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { name, closeCode, reason } = value as { name?: unknown; closeCode?: unknown; reason?: unknown };
  return (
    name === 'WebSocketError' &&
    (closeCode === null || typeof closeCode === 'number') &&
    typeof reason === 'string'
  );
}

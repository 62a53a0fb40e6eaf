/**
 * The error the Promise layer rejects with: a WinHTTP error code and the function that reported it.
 */

/** A failed WinHTTP operation in the Promise layer: `code` is the `ERROR_*` value the callback API reported. */
export class WinHttpError extends Error {
  /**
   * Always `'WinHttpError'`: {@link isWinHttpError} checks it (with `code`), also across
   * duplicated copies of the package.
   */
  override readonly name = 'WinHttpError';
  /** The error code, e.g. `ERROR_WINHTTP_CANNOT_CONNECT` (12029). */
  readonly code: number;
  /** The function whose call or completion failed, e.g. `WinHttpSendRequest`. */
  readonly operation: string;

  constructor(code: number, operation: string, message = `${operation} failed with error ${code}`) {
    super(message);
    this.code = code;
    this.operation = operation;
  }
}

/** Whether `value` is a {@link WinHttpError}, also across duplicated copies of this package. */
export function isWinHttpError(value: unknown): value is WinHttpError {
  return (
    value instanceof WinHttpError ||
    (value instanceof Error &&
      value.name === 'WinHttpError' &&
      typeof (value as { code?: unknown }).code === 'number' &&
      typeof (value as { operation?: unknown }).operation === 'string')
  );
}

/**
 * An option a runtime adapter cannot honour: thrown at the call that received it, so that nothing is
 * silently ignored (an ignored `proxy` would send traffic around a proxy that policy requires).
 */
export class UnsupportedOptionError extends TypeError {
  /**
   * Always `'UnsupportedOptionError'`: {@link isUnsupportedOptionError} checks it (with `code`), also across
   * duplicated copies of the package.
   */
  override readonly name = 'UnsupportedOptionError';
  /** The stable code: `WS_ERR_UNSUPPORTED_OPTION`. */
  readonly code = 'WS_ERR_UNSUPPORTED_OPTION' as const;
  /** The option's name, e.g. `dispatcher`. */
  readonly option: string;
  /** The package that refused it, e.g. `@wskit/bun`. */
  readonly runtime: string;

  constructor(runtime: string, option: string, why: string) {
    super(`${runtime}: the option ${option} is not supported here: ${why}`);
    this.option = option;
    this.runtime = runtime;
  }
}

/** Whether `value` is an {@link UnsupportedOptionError}, also across duplicated copies of this package. */
export function isUnsupportedOptionError(value: unknown): value is UnsupportedOptionError {
  return (
    value instanceof UnsupportedOptionError ||
    (value instanceof TypeError && (value as { code?: unknown }).code === 'WS_ERR_UNSUPPORTED_OPTION')
  );
}

/**
 * What an adapter refuses: each option name with why it cannot be honoured (and what to use
 * instead). An option is refused when it is set to anything that asks for behaviour: not
 * `undefined`, and not `false` (which asks for the default: nothing).
 */
export type UnsupportedOptions = Readonly<Record<string, string>>;

/**
 * Throws an {@link UnsupportedOptionError} for the first option of `unsupported` that `options`
 * sets (neither `undefined` nor `false`). Adapters call it first thing, before any I/O.
 */
export function refuseUnsupportedOptions(
  runtime: string,
  options: object | undefined,
  unsupported: UnsupportedOptions,
): void {
  if (options === undefined || options === null) return;
  for (const [option, why] of Object.entries(unsupported)) {
    const value = (options as Record<string, unknown>)[option];
    if (value !== undefined && value !== false) throw new UnsupportedOptionError(runtime, option, why);
  }
}

// Command-line parsing shared by the commands: node:util's parseArgs, with wskit's usage errors.
import { parseArgs } from 'node:util';

/** A mistake on the command line: printed with a hint, exit code 2. */
export class UsageError extends Error {
  /** @override */
  name = 'UsageError';
}

/**
 * Parses `args` with `options`, turning parseArgs' complaints into {@link UsageError}s.
 *
 * @template {import('node:util').ParseArgsOptionsConfig} T
 * @param {string[]} args
 * @param {T} options
 */
export function parse(args, options) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(usageMessage(/** @type {Error & { code?: string }} */ (error)));
  }
}

/**
 * parseArgs' complaint in wskit's words: `unknown option --frobnicate` rather than Node's sentence
 * (whose advice about `--` has an unbalanced quote); other complaints as Node words them.
 *
 * @param {Error & { code?: string }} error
 */
function usageMessage(error) {
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'(-[^']*)'/.exec(error.message)?.[1];
    if (option !== undefined) {
      return `unknown option ${option}`;
    }
  }
  return error.message;
}

/**
 * A whole number of milliseconds from a flag, or a {@link UsageError}.
 *
 * @param {string | undefined} value
 * @param {string} flag
 * @param {number} [minimum]
 * @returns {number | undefined}
 */
export function milliseconds(value, flag, minimum = 1) {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < minimum || !Number.isSafeInteger(number)) {
    throw new UsageError(
      `${flag} takes a whole number of milliseconds (at least ${minimum}), not ${JSON.stringify(value)}`,
    );
  }
  return number;
}

/**
 * A TCP port from 0 to 65535, or a {@link UsageError}.
 *
 * @param {string | undefined} value
 * @returns {number}
 */
export function port(value) {
  const number = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || number > 65535) {
    throw new UsageError(`the port must be a number from 0 to 65535, not ${JSON.stringify(value ?? '')}`);
  }
  return number;
}

/**
 * `Name: value` header lines as pairs, or a {@link UsageError}.
 *
 * @param {string[]} lines
 * @returns {[string, string][]}
 */
export function headers(lines) {
  return lines.map((line) => {
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon).trim();
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      throw new UsageError(`--header takes "Name: value", not ${JSON.stringify(line)}`);
    }
    return [name, line.slice(colon + 1).trim()];
  });
}

/**
 * Rewrites `--close <code> [reason]` as `--close=<code> --close-reason=<reason>` for parseArgs. The
 * word after the code is the reason unless it starts with `-` or is a URL (has `://`), so both
 * `connect URL --close 4000 done` and `connect --close 4000 URL` read as meant.
 *
 * @param {string[]} args
 */
export function expandClose(args) {
  /** @type {string[]} */
  const out = [];
  for (let index = 0; index < args.length; index++) {
    const arg = /** @type {string} */ (args[index]);
    if (arg === '--') {
      out.push(...args.slice(index));
      break;
    }
    if (arg !== '--close') {
      out.push(arg);
      continue;
    }
    const code = args[index + 1];
    if (code === undefined || code.startsWith('-')) throw new UsageError('--close takes a close code');
    out.push(`--close=${code}`);
    index++;
    const reason = args[index + 1];
    if (reason !== undefined && !reason.startsWith('-') && !reason.includes('://')) {
      out.push(`--close-reason=${reason}`);
      index++;
    }
  }
  return out;
}

/**
 * A close code this side may send (RFC 6455 §7.4: 1000–1003, 1007–1014, 3000–4999) and a reason of
 * at most 123 bytes, or a {@link UsageError}.
 *
 * @param {string} value
 * @param {string} reason
 */
export function closeCode(value, reason) {
  const code = Number(value);
  const sendable =
    /^\d+$/.test(value) &&
    ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999));
  if (!sendable) {
    throw new UsageError(
      `--close: ${JSON.stringify(value)} cannot be sent; use 1000-1003, 1007-1014 or 3000-4999`,
    );
  }
  if (Buffer.byteLength(reason) > 123) throw new UsageError('--close: the reason is over 123 bytes of UTF-8');
  return code;
}

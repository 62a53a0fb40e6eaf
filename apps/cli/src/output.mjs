// What wskit prints: one line per event, colored on a terminal, plain when piped.

/** @typedef {(text: string) => string} Paint */

/**
 * @typedef {object} Palette
 * @property {Paint} dim
 * @property {Paint} bold
 * @property {Paint} red
 * @property {Paint} green
 * @property {Paint} yellow
 * @property {Paint} blue
 * @property {Paint} magenta
 * @property {Paint} cyan
 */

/** @type {Record<keyof Palette, [number, number]>} */
const ANSI = {
  dim: [2, 22],
  bold: [1, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
};

/**
 * Whether to color what goes to `stream`: only on a terminal, and never when `NO_COLOR` is set to
 * anything but the empty string (https://no-color.org). `FORCE_COLOR` (not `0`) colors a pipe too.
 *
 * @param {{ isTTY?: boolean }} stream
 * @param {NodeJS.ProcessEnv} env
 */
export function wantsColor(stream, env) {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/**
 * The ANSI colors, or functions that leave the text alone.
 *
 * @param {boolean} enabled
 * @returns {Palette}
 */
export function palette(enabled) {
  const entries = Object.entries(ANSI).map(([name, [open, close]]) => [
    name,
    enabled
      ? (/** @type {string} */ text) => `\u001b[${open}m${text}\u001b[${close}m`
      : (/** @type {string} */ text) => text,
  ]);
  return /** @type {Palette} */ (Object.fromEntries(entries));
}

/**
 * Where wskit writes: events to `stdout`, problems to `stderr`, each with its own colors.
 *
 * @typedef {object} Output
 * @property {Palette} paint colors for stdout
 * @property {(line: string) => void} line writes one line to stdout
 * @property {(message: string) => void} error writes `wskit: message` to stderr
 * @property {(message: string) => void} warn writes `wskit: message` to stderr, less loudly
 */

/**
 * @param {{ stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream, env: NodeJS.ProcessEnv }} streams
 * @returns {Output}
 */
export function createOutput({ stdout, stderr, env }) {
  const paint = palette(wantsColor(stdout, env));
  const errorPaint = palette(wantsColor(stderr, env));
  return {
    paint,
    line: (line) => {
      stdout.write(`${line}\n`);
    },
    error: (message) => {
      stderr.write(`${errorPaint.red(errorPaint.bold('wskit:'))} ${message}\n`);
    },
    warn: (message) => {
      stderr.write(`${errorPaint.yellow('wskit:')} ${message}\n`);
    },
  };
}

/** The names of the close codes of RFC 6455 §7.4.1 and the IANA registry. */
const CLOSE_CODE_NAMES = /** @type {Record<number, string>} */ ({
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status received',
  1006: 'abnormal closure',
  1007: 'invalid payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
  1015: 'TLS handshake failure',
});

/**
 * `1000 (normal closure) "bye"`: a close code, its name and the reason, if any.
 *
 * @param {number} code
 * @param {string} reason
 */
export function describeClose(code, reason) {
  const name =
    CLOSE_CODE_NAMES[code] ??
    (code >= 4000 ? 'application code' : code >= 3000 ? 'registered code' : 'unknown code');
  return `${code} (${name})${reason ? ` ${JSON.stringify(reason)}` : ''}`;
}

/** Bytes of a binary message shown in hex before the rest is summarized. */
const HEX_PREVIEW = 48;

/**
 * A message's type and contents on one line: `text: hello` or `binary, 5 bytes: 68 65 6c 6c 6f`.
 * Control characters in text are escaped (`\n`, `\u001b`), so a message cannot drive the terminal.
 *
 * @param {string | Uint8Array} data
 * @param {Palette} paint
 */
export function describeMessage(data, paint) {
  if (typeof data === 'string') return `${paint.dim('text:')} ${escapeText(data)}`;
  return `${paint.dim(`binary, ${plural(data.length, 'byte')}${data.length > 0 ? ':' : ''}`)}${hexPreview(data)}`;
}

/**
 * A control frame's payload: nothing when empty, else its text (when printable UTF-8) or hex.
 *
 * @param {Uint8Array} data
 */
export function describeControlPayload(data) {
  if (data.length === 0) return '';
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  return /^[^\p{Cc}\ufffd]*$/u.test(text) ? ` ${JSON.stringify(text)}` : hexPreview(data);
}

/** @param {Uint8Array} data */
function hexPreview(data) {
  let hex = '';
  const shown = Math.min(data.length, HEX_PREVIEW);
  for (let index = 0; index < shown; index++) hex += ` ${(data[index] ?? 0).toString(16).padStart(2, '0')}`;
  return data.length > shown ? `${hex} … (${plural(data.length - shown, 'more byte')})` : hex;
}

/**
 * Text with its control characters escaped as in a JavaScript string.
 *
 * @param {string} text
 */
export function escapeText(text) {
  return text.replace(/\p{Cc}/gu, (character) => {
    const escaped = JSON.stringify(character).slice(1, -1);
    return escaped.length === 1 ? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}` : escaped;
  });
}

/**
 * `1 byte`, `2 bytes`.
 *
 * @param {number} count
 * @param {string} noun
 */
export function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The timers of the echo server's connections, and how flags spell them: the keepalive ping and its
 * pong timeout, the idle and write timeouts (sessions), and the handshake timeout (the server).
 */
import type { SessionOptions } from '@wskit/transport';

/** The timers the flags set, in milliseconds; `undefined` keeps the adapter's default. */
export interface Timers {
  /** Ping after this long without receiving anything (0: off). */
  readonly keepaliveInterval?: number | undefined;
  /** Fail with 1011 when a keepalive ping stays unanswered this long. */
  readonly pongTimeout?: number | undefined;
  /** A client's time to complete its upgrade request (0: no limit). */
  readonly handshakeTimeout?: number | undefined;
  /** Close with 1001 after this long without a message (0: never). */
  readonly idleTimeout?: number | undefined;
  /** Fail with 1008 after this long without write progress (0: no limit). */
  readonly writeTimeout?: number | undefined;
}

const UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000 };

/**
 * Reads a duration as flags spell it: `5000` (milliseconds), `500ms`, `20s`, `2m`. Returns
 * `undefined` when `text` is not one.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+)\s*(ms|s|m)?\s*$/i.exec(text);
  if (!match) return undefined;
  const duration = Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!;
  return Number.isSafeInteger(duration) ? duration : undefined;
}

/** Writes a duration the way {@link parseDuration} reads it. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds >= 60_000 && milliseconds % 60_000 === 0) return `${milliseconds / 60_000} min`;
  if (milliseconds >= 1000 && milliseconds % 1000 === 0) return `${milliseconds / 1000} s`;
  return `${milliseconds} ms`;
}

/** The flags that set timers, as `node:util`'s `parseArgs` reads them. */
export const timerFlags = {
  'keepalive-interval': { type: 'string' },
  'pong-timeout': { type: 'string' },
  'handshake-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'write-timeout': { type: 'string' },
} as const;

/** What `parseArgs` gives for {@link timerFlags}. */
export type TimerFlagValues = { readonly [Flag in keyof typeof timerFlags]?: string | undefined };

const FLAG_OF = {
  keepaliveInterval: 'keepalive-interval',
  pongTimeout: 'pong-timeout',
  handshakeTimeout: 'handshake-timeout',
  idleTimeout: 'idle-timeout',
  writeTimeout: 'write-timeout',
} as const satisfies Record<keyof Timers, keyof typeof timerFlags>;

/** The timers the flags ask for; a message for a bad value. */
export function timersFromFlags(values: TimerFlagValues): Timers | string {
  const timers: Record<string, number> = {};
  for (const [key, flag] of Object.entries(FLAG_OF)) {
    const text = values[flag];
    if (text === undefined) continue;
    const duration = parseDuration(text);
    if (duration === undefined) {
      return `--${flag} must be a duration such as 5000, 500ms, 20s or 2m, not ${JSON.stringify(text)}`;
    }
    timers[key] = duration;
  }
  return timers as Timers;
}

/** The session options among `timers`. */
export function sessionTimers(timers: Timers): SessionOptions {
  return {
    ...(timers.keepaliveInterval === undefined ? {} : { keepaliveInterval: timers.keepaliveInterval }),
    ...(timers.pongTimeout === undefined ? {} : { pongTimeout: timers.pongTimeout }),
    ...(timers.idleTimeout === undefined ? {} : { idleTimeout: timers.idleTimeout }),
    ...(timers.writeTimeout === undefined ? {} : { writeTimeout: timers.writeTimeout }),
  };
}

/** `keepalive 20 s, pong timeout 20 s, handshake timeout 10 s` for the timers set, for the startup line. */
export function describeTimers(timers: Timers): string {
  const parts: string[] = [];
  if (timers.keepaliveInterval !== undefined) {
    parts.push(
      timers.keepaliveInterval === 0
        ? 'keepalive off'
        : `keepalive ${formatDuration(timers.keepaliveInterval)}`,
    );
  }
  if (timers.pongTimeout !== undefined) parts.push(`pong timeout ${formatDuration(timers.pongTimeout)}`);
  if (timers.handshakeTimeout !== undefined) {
    parts.push(
      timers.handshakeTimeout === 0
        ? 'no handshake timeout'
        : `handshake timeout ${formatDuration(timers.handshakeTimeout)}`,
    );
  }
  if (timers.idleTimeout) parts.push(`idle timeout ${formatDuration(timers.idleTimeout)}`);
  if (timers.writeTimeout !== undefined) {
    parts.push(
      timers.writeTimeout === 0 ? 'no write timeout' : `write timeout ${formatDuration(timers.writeTimeout)}`,
    );
  }
  return parts.join(', ');
}

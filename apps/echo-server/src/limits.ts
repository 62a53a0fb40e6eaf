/**
 * The receive limits of the conformance endpoints, and how flags spell them. Shared by the echo
 * server and the Autobahn client (`@wskit/echo-server/limits`).
 */
import type { SessionOptions } from '@wskit/transport';

/** The receive limits an endpoint passes to every session. */
export interface Limits {
  /** Largest received message in bytes; also the largest frame (one frame may carry a whole message). */
  readonly maxMessageSize: number;
  /** Most frames in one received message. */
  readonly maxFragments: number;
  /** Payload bytes of received messages kept for the application before reading pauses (the session's default when unset). */
  readonly maxBufferedBytes?: number | undefined;
}

/** The session's own defaults (`@wskit/transport`): 16 MiB messages and frames, 4096 fragments. */
export const DefaultLimits: Limits = Object.freeze({
  maxMessageSize: 16 * 1024 * 1024,
  maxFragments: 4096,
});

/**
 * What an Autobahn|Testsuite run needs: its largest messages are 16 MiB (cases 9.1.6 and 9.2.6),
 * and case 9.3.1 sends 4 MiB in 64-byte fragments (65 536 frames). 64 MiB and 100 000 leave room.
 */
export const AutobahnLimits: Limits = Object.freeze({
  maxMessageSize: 64 * 1024 * 1024,
  maxFragments: 100_000,
});

/** The session options for `limits`: the frame limit follows the message limit. */
export function sessionOptions(limits: Limits): SessionOptions {
  return {
    maxMessageSize: limits.maxMessageSize,
    maxFrameSize: limits.maxMessageSize,
    maxFragments: limits.maxFragments,
    ...(limits.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: limits.maxBufferedBytes }),
  };
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Reads a byte count as flags spell it: `16777216`, `64MiB`, `512 KiB`, `1g` (binary units, case
 * insensitive). Returns `undefined` when `text` is not one.
 */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = UNITS[match[2]!.toLowerCase()];
  if (unit === undefined) return undefined;
  const size = Number(match[1]) * unit;
  return Number.isSafeInteger(size) ? size : undefined;
}

/** Writes a byte count the way {@link parseSize} reads it, in the largest unit that divides it. */
export function formatSize(size: number): string {
  for (const [unit, factor] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (size >= factor && size % factor === 0) return `${size / factor} ${unit}`;
  }
  return `${size} B`;
}

/** The flags that set limits, as `node:util`'s `parseArgs` reads them. */
export const limitFlags = {
  autobahn: { type: 'boolean' },
  'max-message-size': { type: 'string' },
  'max-fragments': { type: 'string' },
  'max-buffered-bytes': { type: 'string' },
} as const;

/** What `parseArgs` gives for {@link limitFlags}. */
export interface LimitFlagValues {
  readonly autobahn?: boolean | undefined;
  readonly 'max-message-size'?: string | undefined;
  readonly 'max-fragments'?: string | undefined;
  readonly 'max-buffered-bytes'?: string | undefined;
}

/**
 * The limits the flags ask for: `base` (or {@link AutobahnLimits} with `--autobahn`), then
 * `--max-message-size` and `--max-fragments` on top. Returns a message for a bad value.
 */
export function limitsFromFlags(values: LimitFlagValues, base: Limits = DefaultLimits): Limits | string {
  let { maxMessageSize, maxFragments } = values.autobahn ? AutobahnLimits : base;
  const size = values['max-message-size'];
  if (size !== undefined) {
    const parsed = parseSize(size);
    if (parsed === undefined || parsed === 0) {
      return `--max-message-size must be a positive size such as 65536 or 64MiB, not ${JSON.stringify(size)}`;
    }
    maxMessageSize = parsed;
  }
  const fragments = values['max-fragments'];
  if (fragments !== undefined) {
    const parsed = /^\d+$/.test(fragments) ? Number(fragments) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed === 0) {
      return `--max-fragments must be a positive whole number, not ${JSON.stringify(fragments)}`;
    }
    maxFragments = parsed;
  }
  const buffered = values['max-buffered-bytes'];
  if (buffered !== undefined) {
    const parsed = parseSize(buffered);
    if (parsed === undefined || parsed === 0) {
      return `--max-buffered-bytes must be a positive size such as 32MiB, not ${JSON.stringify(buffered)}`;
    }
    return { maxMessageSize, maxFragments, maxBufferedBytes: parsed };
  }
  return { maxMessageSize, maxFragments };
}

/** `64 MiB messages, 100000 fragments`, for the startup line. */
export function describeLimits(limits: Limits): string {
  return `${formatSize(limits.maxMessageSize)} messages, ${limits.maxFragments} fragments`;
}

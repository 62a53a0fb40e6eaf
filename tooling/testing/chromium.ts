/**
 * How the project's browser tests start Debian's Chromium (never a downloaded browser): its path and
 * the flags this closed-network machine needs (headless, no sandbox as root, no background
 * networking or component updates, which would try to reach the internet). Pass both to
 * playwright-core's `chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs(…) })`.
 */

/** Debian's Chromium (`apt-get install chromium`, as `.ci/system-deps.sh` does). */
export const CHROMIUM = '/usr/bin/chromium';

/** The launch flags every browser test uses. */
const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The launch flags, followed by a test's own (e.g. `--ignore-certificate-errors`). */
export function chromiumArgs(...extra: string[]): string[] {
  return [...CHROMIUM_FLAGS, ...extra];
}

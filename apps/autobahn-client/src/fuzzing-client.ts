/**
 * The client side of an Autobahn|Testsuite fuzzing server run: ask for the case count
 * (`/getCaseCount`), connect once per case (`/runCase?case=N&agent=A`) and echo everything the
 * server sends until it closes, then have the reports written (`/updateReports?agent=A`). The server
 * judges every case; this side only has to behave and to keep going when a case goes wrong.
 */
import { echo } from '@wskit/echo-server/echo';
import type { Runtime } from '@wskit/echo-server/runtimes';
import type { CloseInfo, SessionOptions, WebSocket } from '@wskit/transport';
import { type CaseSelection, formatCaseSelection, selectCases } from './case-selection.ts';

/** What a run needs. */
export interface FuzzingRunOptions {
  /** The fuzzing server, e.g. `ws://127.0.0.1:9001` (a trailing `/` is fine). */
  readonly base: string;
  /** The name the reports show for this client. */
  readonly agent: string;
  /** The cases to run; all of them when undefined. */
  readonly selection?: CaseSelection | undefined;
  /** Connects: the runtime's client. */
  readonly runtime: Runtime;
  /** Limits for every session (Autobahn sends up to 16 MiB and 65 536 fragments). */
  readonly session: SessionOptions;
  /** Offer permessage-deflate (only where `runtime.supportsDeflate`). */
  readonly deflate: boolean;
  /** Milliseconds one connection (handshake included) may last before it is cut off. */
  readonly timeout: number;
  /** Where progress lines go. */
  readonly log: (line: string) => void;
}

/** How one case went, from this side. */
export interface CaseResult {
  /** The case's position, 1 to the case count. */
  readonly position: number;
  /**
   * `closed`: the connection ran and closed (however it closed: the server judges that);
   * `not-run`: no connection (the handshake failed); `timed-out`: cut off after `timeout`.
   */
  readonly outcome: 'closed' | 'not-run' | 'timed-out';
  /** The close, when the connection opened. */
  readonly close?: CloseInfo | undefined;
  /** Messages echoed. */
  readonly messages: number;
  /** What went wrong, if anything did: the handshake's error or the session's. */
  readonly error?: string | undefined;
}

/** How a run went. */
export interface FuzzingRunSummary {
  /** The case count the server reported. */
  readonly count: number;
  /** Every case run, in order. */
  readonly results: readonly CaseResult[];
}

/** Why a run could not go on: no case count, no reports. The message says what happened. */
export class FuzzingRunError extends Error {
  override readonly name = 'FuzzingRunError';
}

function endpoint(base: string, path: string, query: Record<string, string>): string {
  const url = new URL(`${base.replace(/\/+$/, '')}/${path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.href;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}

/** Connects with a deadline over the whole connection: `onOpen` runs until the session closes. */
async function withConnection<T>(
  options: FuzzingRunOptions,
  url: string,
  onOpen: (session: WebSocket) => Promise<T>,
): Promise<{ value: T; timedOut: boolean }> {
  let session: WebSocket | undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    session?.terminate();
  }, options.timeout);
  try {
    session = await options.runtime.connect(url, {
      session: options.session,
      deflate: options.deflate,
      handshakeTimeout: options.timeout,
    });
    if (timedOut) session.terminate();
    return { value: await onOpen(session), timedOut };
  } finally {
    clearTimeout(timer);
  }
}

/** Asks the server how many cases it has (`/getCaseCount`: one text message, then a close). */
export async function getCaseCount(options: FuzzingRunOptions): Promise<number> {
  const url = endpoint(options.base, 'getCaseCount', {});
  let answer: string | Uint8Array | undefined;
  let outcome: { value: CloseInfo; timedOut: boolean };
  try {
    outcome = await withConnection(options, url, (session) => {
      session.once('message', (data) => {
        answer = data;
      });
      return session.closed;
    });
  } catch (error) {
    throw new FuzzingRunError(`cannot get the case count from ${url}: ${describeError(error)}`);
  }
  if (answer === undefined) {
    const how = outcome.timedOut
      ? `no answer within ${options.timeout} ms`
      : `closed with ${outcome.value.code}`;
    throw new FuzzingRunError(`cannot get the case count from ${url}: ${how} before sending it`);
  }
  if (typeof answer !== 'string' || !/^\s*\d+\s*$/.test(answer)) {
    const shown =
      typeof answer === 'string' ? JSON.stringify(answer.slice(0, 80)) : `${answer.length} binary bytes`;
    throw new FuzzingRunError(`the case count from ${url} is not a number: ${shown}`);
  }
  return Number(answer);
}

/** Runs one case: echoes everything until the server closes. Never throws. */
export async function runCase(options: FuzzingRunOptions, position: number): Promise<CaseResult> {
  const url = endpoint(options.base, 'runCase', { case: String(position), agent: options.agent });
  try {
    const { value: summary, timedOut } = await withConnection(options, url, echo);
    return {
      position,
      outcome: timedOut ? 'timed-out' : 'closed',
      close: { code: summary.code, reason: summary.reason, wasClean: summary.wasClean },
      messages: summary.messages,
      error: summary.error === undefined ? undefined : describeError(summary.error),
    };
  } catch (error) {
    return { position, outcome: 'not-run', messages: 0, error: describeError(error) };
  }
}

/** Has the server write its reports for the agent (`/updateReports`), waiting for its close. */
export async function updateReports(options: FuzzingRunOptions): Promise<void> {
  const url = endpoint(options.base, 'updateReports', { agent: options.agent });
  let outcome: { value: CloseInfo; timedOut: boolean };
  try {
    outcome = await withConnection(options, url, (session) => session.closed);
  } catch (error) {
    throw new FuzzingRunError(`cannot update the reports at ${url}: ${describeError(error)}`);
  }
  if (outcome.timedOut) {
    throw new FuzzingRunError(`the reports at ${url} were not done within ${options.timeout} ms`);
  }
}

/** One line for a case's result. */
export function describeCase(result: CaseResult, count: number): string {
  const head = `case ${result.position}/${count}:`;
  const messages = `${result.messages} message${result.messages === 1 ? '' : 's'} echoed`;
  const error = result.error === undefined ? '' : ` (${result.error})`;
  switch (result.outcome) {
    case 'not-run':
      return `${head} not run: ${result.error}`;
    case 'timed-out':
      return `${head} cut off after the timeout, ${messages}`;
    case 'closed': {
      const close = result.close!;
      return `${head} closed ${close.code}${close.wasClean ? '' : ' uncleanly'}, ${messages}${error}`;
    }
  }
}

/**
 * The whole run: case count, the selected cases one after the other, reports. Throws
 * {@link FuzzingRunError} when the count or the reports fail; a failed case is a result, and the run
 * goes on.
 */
export async function runFuzzingClient(options: FuzzingRunOptions): Promise<FuzzingRunSummary> {
  const count = await getCaseCount(options);
  const { cases, beyond } = selectCases(options.selection, count);
  options.log(
    `${count} cases on ${options.base}; running ${cases.length} as agent ${JSON.stringify(options.agent)}`,
  );
  if (beyond.length > 0) {
    options.log(`skipped: the server has no case ${formatCaseSelection(beyond)} (it has ${count})`);
  }
  const results: CaseResult[] = [];
  for (const position of cases) {
    const result = await runCase(options, position);
    results.push(result);
    options.log(describeCase(result, count));
  }
  await updateReports(options);
  options.log(`reports updated for agent ${JSON.stringify(options.agent)}`);
  return { count, results };
}

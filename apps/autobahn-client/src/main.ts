/**
 * `pnpm --dir apps/autobahn-client start [options]`: the client under test of an Autobahn|Testsuite
 * fuzzing server. Runs the cases one after the other, echoing what the server sends, then has the
 * server write its reports. Exit status: 0 when every selected case ran and the reports were
 * updated; 1 when the server could not be reached, a case could not run or was cut off, or the
 * reports failed; 2 for bad flags and features not available yet.
 */
import { parseArgs } from 'node:util';
import {
  AutobahnLimits,
  describeLimits,
  type Limits,
  limitFlags,
  limitsFromFlags,
  sessionOptions,
} from '@wskit/echo-server/limits';
import { DefaultRuntime, prepareRuntime } from '@wskit/echo-server/runtimes';
import { type CaseSelection, parseCaseSelection } from './case-selection.ts';
import { FuzzingRunError, runFuzzingClient } from './fuzzing-client.ts';

const HELP = `wskit Autobahn client: the client under test of an Autobahn|Testsuite fuzzing server

Usage: pnpm --dir apps/autobahn-client start [options]

Options:
      --base <url>               the fuzzing server (default ws://127.0.0.1:9001)
      --agent <name>             the name in the reports (default wskit)
      --cases <list>             run only these cases, by number: 1-10,15 (default all)
      --case-timeout <ms>        cut a connection off after this long (default 60000)
      --max-message-size <size>  largest message (and frame) received (default 64 MiB)
      --max-fragments <count>    most frames in one message (default 100000)
      --deflate                  offer permessage-deflate (needs @wskit/node's perMessageDeflate)
      --runtime <name>           node (default) or bun (runs the client under the bun binary)
  -h, --help                     show this help
`;

interface Options {
  readonly base: string;
  readonly agent: string;
  readonly selection: CaseSelection | undefined;
  readonly timeout: number;
  readonly limits: Limits;
  readonly deflate: boolean;
  readonly runtime: string;
}

function fail(message: string, status = 2): never {
  process.stderr.write(`autobahn-client: ${message}\n`);
  process.exit(status);
}

/** Reads the flags, or explains what is wrong and exits with 2. */
function readOptions(args: string[]): Options {
  const parse = (list: string[]) =>
    parseArgs({
      args: list,
      options: {
        base: { type: 'string', default: 'ws://127.0.0.1:9001' },
        agent: { type: 'string', default: 'wskit' },
        cases: { type: 'string' },
        'case-timeout': { type: 'string', default: '60000' },
        'max-message-size': limitFlags['max-message-size'],
        'max-fragments': limitFlags['max-fragments'],
        deflate: { type: 'boolean', default: false },
        runtime: { type: 'string', default: DefaultRuntime },
        help: { type: 'boolean', short: 'h' },
      },
    });
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(args));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  let base: URL;
  try {
    base = new URL(values.base);
  } catch {
    fail(`--base must be a ws: or wss: URL, not ${JSON.stringify(values.base)}`);
  }
  if (base.protocol !== 'ws:' && base.protocol !== 'wss:') {
    fail(`--base must be a ws: or wss: URL, not ${JSON.stringify(values.base)}`);
  }
  if (base.search !== '' || base.hash !== '') fail('--base takes no query or fragment');
  if (values.agent === '') fail('--agent must not be empty');
  let selection: CaseSelection | undefined;
  if (values.cases !== undefined) {
    const parsed = parseCaseSelection(values.cases);
    if (typeof parsed === 'string') fail(parsed);
    selection = parsed;
  }
  const timeout = Number(values['case-timeout']);
  if (!/^\d+$/.test(values['case-timeout']) || timeout === 0) {
    fail(
      `--case-timeout must be a positive number of milliseconds, not ${JSON.stringify(values['case-timeout'])}`,
    );
  }
  const limits = limitsFromFlags(values, AutobahnLimits);
  if (typeof limits === 'string') fail(limits);
  return {
    base: values.base,
    agent: values.agent,
    selection,
    timeout,
    limits,
    deflate: values.deflate,
    runtime: values.runtime,
  };
}

const options = readOptions(process.argv.slice(2));
// --runtime bun under Node: this script runs under bun instead (and exits with its status).
const runtime = await prepareRuntime(options.runtime, {
  label: 'autobahn-client',
  deflate: options.deflate,
  fail,
});

const log = (line: string) => process.stdout.write(`autobahn-client: ${line}\n`);
log(`${runtime.name}; ${describeLimits(options.limits)}${options.deflate ? '; permessage-deflate' : ''}`);
try {
  const { results } = await runFuzzingClient({
    base: options.base,
    agent: options.agent,
    selection: options.selection,
    runtime,
    session: sessionOptions(options.limits),
    deflate: options.deflate,
    timeout: options.timeout,
    log,
  });
  const notRun = results.filter((result) => result.outcome === 'not-run').length;
  const cutOff = results.filter((result) => result.outcome === 'timed-out').length;
  log(
    `done: ${results.length} case${results.length === 1 ? '' : 's'}, ${notRun} not run, ${cutOff} cut off` +
      " (the server's reports judge each case)",
  );
  process.exit(notRun + cutOff > 0 ? 1 : 0);
} catch (error) {
  if (error instanceof FuzzingRunError) fail(error.message, 1);
  throw error;
}

// The Autobahn client as a child process (`node src/main.ts`) against the mock fuzzing server:
// the endpoints in order, every echo checked byte for byte, and a run that goes on when a case fails.
import { fileURLToPath } from 'node:url';
import { runApp } from '@wskit/echo-server/testing';
import { DefaultServerOptions } from '@wskit/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type MockFuzzingServer,
  type MockFuzzingServerOptions,
  standardCases,
  startMockFuzzingServer,
} from './mock-fuzzing-server.ts';

const deflateAvailable = 'perMessageDeflate' in DefaultServerOptions;
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const mocks: MockFuzzingServer[] = [];
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((mock) => mock.close()));
});

async function mock(options: MockFuzzingServerOptions = {}): Promise<MockFuzzingServer> {
  const server = await startMockFuzzingServer(options);
  mocks.push(server);
  return server;
}

describe('autobahn-client against the mock fuzzing server', () => {
  it('gets the count, runs every case echoing byte for byte, then updates the reports', async () => {
    const server = await mock();
    const app = runApp(MAIN, ['--base', server.base, '--agent', 'wskit test']);
    expect(await app.exited).toBe(0);
    expect(server.requests).toEqual([
      { endpoint: 'getCaseCount', case: undefined, agent: undefined },
      { endpoint: 'runCase', case: 1, agent: 'wskit test' },
      { endpoint: 'runCase', case: 2, agent: 'wskit test' },
      { endpoint: 'runCase', case: 3, agent: 'wskit test' },
      { endpoint: 'updateReports', case: undefined, agent: 'wskit test' },
    ]);
    expect(server.runs).toEqual([
      { case: 1, agent: 'wskit test', problems: [], extensions: '' },
      { case: 2, agent: 'wskit test', problems: [], extensions: '' },
      { case: 3, agent: 'wskit test', problems: [], extensions: '' },
    ]);
    const output = app.output();
    expect(output).toContain('autobahn-client: node; 64 MiB messages, 100000 fragments');
    expect(output).toContain(`autobahn-client: 3 cases on ${server.base}; running 3 as agent "wskit test"`);
    expect(output).toContain('case 1/3: closed 1000, 5 messages echoed');
    expect(output).toContain('case 2/3: closed 1000, 2 messages echoed');
    expect(output).toContain('case 3/3: closed 1000, 2 messages echoed');
    expect(output).toContain('reports updated for agent "wskit test"');
    expect(output).toContain('done: 3 cases, 0 not run, 0 cut off');
  });

  it('runs every case with --runtime bun, relaunched under Bun (@wskit/bun)', async () => {
    const server = await mock();
    const app = runApp(MAIN, ['--base', server.base, '--agent', 'wskit bun', '--runtime', 'bun']);
    expect(await app.exited).toBe(0);
    expect(server.runs).toEqual(
      [1, 2, 3].map((number) => ({
        case: number,
        agent: 'wskit bun',
        problems: [],
        extensions: '',
      })),
    );
    const output = app.output();
    expect(output).toContain('autobahn-client: bun; 64 MiB messages, 100000 fragments');
    expect(output).toContain('case 2/3: closed 1000, 2 messages echoed');
    expect(output).toContain('done: 3 cases, 0 not run, 0 cut off');
  });

  it('uses --base with a trailing slash and the default agent', async () => {
    const server = await mock({ cases: [async () => {}] });
    const app = runApp(MAIN, ['--base', `${server.base}/`]);
    expect(await app.exited).toBe(0);
    expect(server.requests.map((request) => request.agent)).toEqual([undefined, 'wskit', 'wskit']);
  });

  it('runs only --cases, in order, and says which are beyond the count', async () => {
    const server = await mock({ cases: Array.from({ length: 6 }, () => async () => {}) });
    const app = runApp(MAIN, ['--base', server.base, '--cases', '5,2-3,3,9-12']);
    expect(await app.exited).toBe(0);
    expect(server.runs.map((run) => run.case)).toEqual([2, 3, 5]);
    expect(app.output()).toContain('6 cases on');
    expect(app.output()).toContain('running 3 as agent "wskit"');
    expect(app.output()).toContain('skipped: the server has no case 9-12 (it has 6)');
    expect(server.requests.at(-1)?.endpoint).toBe('updateReports');
  });

  it('goes on after a case it cannot connect to, and exits with 1', async () => {
    const server = await mock({ refuse: [2] });
    const app = runApp(MAIN, ['--base', server.base]);
    expect(await app.exited).toBe(1);
    expect(server.runs.map((run) => run.case)).toEqual([1, 3]);
    expect(server.runs.every((run) => run.problems.length === 0)).toBe(true);
    await server.reportsUpdated;
    expect(app.output()).toMatch(/case 2\/3: not run: .*500/);
    expect(app.output()).toContain('done: 3 cases, 1 not run, 0 cut off');
  });

  it('goes on after a case the server drops, without failing the run', async () => {
    const server = await mock({
      cases: [
        async (session) => {
          session.terminate();
        },
        standardCases[0]!,
      ],
    });
    const app = runApp(MAIN, ['--base', server.base]);
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain('case 1/2: closed 1006 uncleanly, 0 messages echoed');
    expect(app.output()).toContain('case 2/2: closed 1000, 5 messages echoed');
    expect(server.runs.find((run) => run.case === 2)?.problems).toEqual([]);
  });

  it('cuts off a case that never ends after --case-timeout, goes on, and exits with 1', async () => {
    const server = await mock({
      cases: [
        async (session) => {
          await session.send('then nothing');
          await new Promise(() => {}); // never closes
        },
        async () => {},
      ],
    });
    const app = runApp(MAIN, ['--base', server.base, '--case-timeout', '300']);
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('case 1/2: cut off after the timeout, 1 message echoed');
    expect(app.output()).toContain('case 2/2: closed 1000, 0 messages echoed');
    expect(app.output()).toContain('done: 2 cases, 0 not run, 1 cut off');
    await server.reportsUpdated;
  });

  it('echoes with the limits given by flags: 16 MiB + 1 fails with 1009 under --max-message-size 16MiB', async () => {
    const server = await mock({ cases: [standardCases[2]!] });
    const app = runApp(MAIN, ['--base', server.base, '--max-message-size', '16MiB']);
    expect(await app.exited).toBe(0); // the server's report judges it
    expect(app.output()).toMatch(/case 1\/1: closed 1009.*, 0 messages echoed/);
    // The client closed first: the mock notes the case once it sees the close.
    await vi.waitFor(() => expect(server.runs[0]?.problems[0]).toBe('16 MiB + 1 binary: no echo'));
  });

  // `--deflate` works once @wskit/node has its `perMessageDeflate` option; until then it is refused.
  it.runIf(deflateAvailable)('offers permessage-deflate with --deflate and echoes compressed', async () => {
    const server = await mock({ deflate: true });
    const app = runApp(MAIN, ['--base', server.base, '--deflate']);
    expect(await app.exited).toBe(0);
    expect(server.runs).toHaveLength(3);
    for (const run of server.runs) {
      expect(run.problems).toEqual([]);
      expect(run.extensions).toContain('permessage-deflate');
    }
  });

  it('exits with 1 when the server cannot be reached', async () => {
    const server = await mock();
    const base = server.base;
    await server.close();
    const app = runApp(MAIN, ['--base', base]);
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain(`autobahn-client: cannot get the case count from ${base}/getCaseCount`);
    expect(app.output()).toContain('ECONNREFUSED');
  });

  for (const [answer, shown] of [
    ['many', '"many"'],
    [new Uint8Array([3]), '1 binary bytes'],
  ] as const) {
    it(`exits with 1 when the case count is not a number (${shown})`, async () => {
      const server = await mock({ countAnswer: answer });
      const app = runApp(MAIN, ['--base', server.base]);
      expect(await app.exited).toBe(1);
      expect(app.output()).toContain(`is not a number: ${shown}`);
      expect(server.requests).toHaveLength(1);
    });
  }
});

describe('autobahn-client flags', () => {
  it.skipIf(deflateAvailable)('explains that --deflate is not available yet and exits with 2', async () => {
    const app = runApp(MAIN, ['--deflate']);
    expect(await app.exited).toBe(2);
    expect(app.output()).toContain('--deflate: permessage-deflate is not available yet on node');
  });

  it('prints the help with --help and exits with 0', async () => {
    const app = runApp(MAIN, ['--help']);
    expect(await app.exited).toBe(0);
    for (const flag of ['--base', '--agent', '--cases', '--case-timeout', '--deflate', '--runtime']) {
      expect(app.output()).toContain(flag);
    }
  });

  for (const [args, message] of [
    [['--runtime', 'bun', '--deflate'], '--deflate: permessage-deflate is not available yet on bun'],
    [['--runtime', 'deno'], '--runtime must be one of node, bun, not "deno"'],
    [['--cases', '1-'], '--cases takes case numbers and ranges such as 1-10,15, not "1-"'],
    [['--cases', '0'], '--cases: cases are numbered from 1'],
    [['--cases', '9-3'], '--cases: the range "9-3" runs backwards'],
    [['--base', 'http://127.0.0.1:9001'], '--base must be a ws: or wss: URL'],
    [['--base', 'nowhere'], '--base must be a ws: or wss: URL'],
    [['--case-timeout', '0'], '--case-timeout must be a positive number of milliseconds'],
    [['--max-fragments', 'lots'], '--max-fragments must be a positive whole number'],
  ] as const) {
    it(`refuses ${args.join(' ')} with exit 2`, async () => {
      const app = runApp(MAIN, args);
      expect(await app.exited).toBe(2);
      expect(app.output()).toContain(message);
    });
  }
});

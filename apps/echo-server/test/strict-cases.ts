/**
 * The fuzzing harness (`test/fuzzing/`): Autobahn|Testsuite cases 1 to 10 from raw sockets, judged
 * strictly. Exported as `@wskit/echo-server/strict-cases` for the Autobahn client's tests (the client
 * role); the echo server's own tests run the server role.
 */
export type { FuzzCase } from './fuzzing/case-types.ts';
export { extraCases, fuzzCases } from './fuzzing/cases.ts';
export { FuzzingServer, runAgainstServer } from './fuzzing/endpoints.ts';
export { type CaseResult, type Role, runCase, type Verdict } from './fuzzing/peer.ts';
export { passes, summarize, writeResults } from './fuzzing/report.ts';
export { checkResult, defaultScale, knownIssues } from './fuzzing/verdicts.ts';

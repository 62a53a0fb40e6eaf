#!/usr/bin/env node
// The `wskit` command. Plain JavaScript (ES modules, JSDoc types), so any Node from 20.18 runs it
// without a build or type stripping; the packages it uses must be built (`start` does that).
import { main } from '../src/main.mjs';

let status;
try {
  status = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`wskit: unexpected error: ${error instanceof Error ? error.stack : error}\n`);
  status = 1;
}
// Leave once what was printed is out, even if a socket or standard input is still referenced.
if (process.stdout.writableLength > 0) await new Promise((resolve) => process.stdout.once('drain', resolve));
process.exit(status);

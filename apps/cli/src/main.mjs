// wskit's entry point: picks the command, prints usage errors, and returns the exit status.
import { readFileSync } from 'node:fs';
import { UsageError } from './arguments.mjs';
import { CONNECT_HELP, runConnect } from './connect-command.mjs';
import { LISTEN_HELP, runListen } from './listen-command.mjs';
import { createOutput } from './output.mjs';

export const HELP = `Usage: wskit <command> [options]

A WebSocket client and server for the terminal, built on @wskit/node.

Commands:
  connect <url>    open a WebSocket; standard input lines become messages, what arrives is printed
  listen <port>    run a WebSocket server and print every connection's events (--echo, --broadcast)

Options:
  -h, --help       show this help (wskit <command> --help for a command's options)
  -V, --version    show the version

Output is colored on a terminal (unless NO_COLOR is set) and plain when piped.
`;

/** @type {Record<string, { run: typeof runConnect, help: string }>} */
const COMMANDS = {
  connect: { run: runConnect, help: CONNECT_HELP },
  listen: { run: runListen, help: LISTEN_HELP },
};

/**
 * Runs wskit with `args` (the command line after the program's name).
 *
 * @param {string[]} args
 * @returns {Promise<number>} the exit status: 0 fine, 1 failed, 2 usage error
 */
export async function main(args) {
  const output = createOutput({ stdout: process.stdout, stderr: process.stderr, env: process.env });
  const [name, ...rest] = args;
  if (name === undefined) {
    process.stderr.write(HELP);
    return 2;
  }
  if (name === '-h' || name === '--help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    process.stdout.write(topic?.help ?? HELP);
    return 0;
  }
  if (name === '-V' || name === '--version') {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`wskit ${manifest.version}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    output.error(
      `unknown command ${JSON.stringify(name)}; the commands are connect and listen (wskit --help)`,
    );
    return 2;
  }
  try {
    return await command.run(rest, output);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.error(`${error.message} (wskit ${name} --help for usage)`);
    return 2;
  }
}

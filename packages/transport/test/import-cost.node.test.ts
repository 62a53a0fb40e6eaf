/**
 * Importing the package touches none of Node's lazy globals that load its bundled undici
 * (`MessageEvent`, `CloseEvent`: 2.8 MB of heap and 18 MB of RSS in Node 24): the event classes are
 * chosen on first use. A child process, because the test runner has loaded undici already.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runModule } from '@wskit/tooling/child-module';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const script = `
const undici = () => process.moduleLoadList.some((name) => name.includes('deps/undici'));
const { MessageEvent } = await import('@wskit/transport');
const atImport = undici();
const event = new MessageEvent('message', { data: 1, origin: 'ws://example.com' });
console.log(JSON.stringify({ atImport, atFirstUse: undici(), runtimes: event instanceof globalThis.MessageEvent }));
`;

describe('importing @wskit/transport in Node', () => {
  it("loads Node's bundled undici only when an event class is first used", () => {
    const output = runModule(packageDir, script);
    expect(JSON.parse(output)).toEqual({ atImport: false, atFirstUse: true, runtimes: true });
  });
});

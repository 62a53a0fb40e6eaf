/**
 * The reference implementation: ws's own frame parser (`Receiver`) and serializer (`Sender`), plus
 * its masking and UTF-8 helpers. ws decides at load time whether to use its optional native
 * `bufferutil` addon (unless `WS_NO_BUFFER_UTIL` is set), so each variant runs in its own process.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const wsDirectory = dirname(require.resolve('ws/package.json'));

/** Loads a file of ws by path: its `exports` map exposes only the entry point. */
function wsInternal<T>(path: string): T {
  return require(join(wsDirectory, path)) as T;
}

/** ws's `Receiver`: a Writable fed with socket chunks that emits `message` events (the parts used here). */
export interface WsReceiver {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

/** The options of ws's `Sender.frame()`. */
export interface WsFrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}

interface WsModule {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => WsReceiver;
  Sender: { frame(data: Buffer, options: WsFrameOptions): Buffer[] };
}

interface WsBufferUtil {
  mask(source: Buffer, mask: Buffer, output: Buffer, offset: number, length: number): void;
  unmask(buffer: Buffer, mask: Buffer): void;
}

const ws = require('ws') as WsModule;

/** ws's frame parser class. */
export const Receiver = ws.Receiver;
/** ws's frame serializer. */
export const Sender = ws.Sender;
/** ws's masking helpers, as ws itself calls them (native above a size threshold when bufferutil loaded). */
export const wsBufferUtil = wsInternal<WsBufferUtil>('lib/buffer-util.js');
/** ws's UTF-8 check, as ws itself calls it. */
export const wsIsValidUtf8 = wsInternal<{ isValidUTF8(buffer: Buffer): boolean }>(
  'lib/validation.js',
).isValidUTF8;
/** The installed ws version. */
export const wsVersion = wsInternal<{ version: string }>('package.json').version;

/** Which masking kernel ws picked when it loaded: its native addon, or its JavaScript loop. */
export function wsMaskKernel(): 'bufferutil' | 'node:http' | 'javascript' {
  const source = String(wsBufferUtil.unmask);
  if (source.includes('bufferUtil')) return 'bufferutil';
  if (source.includes('websocketUnmask')) return 'node:http';
  return 'javascript';
}

/**
 * ws's pure-JavaScript UTF-8 check: what ws runs on a Node without `buffer.isUtf8` and without the
 * `utf-8-validate` addon. A second copy of ws's module, loaded while `buffer.isUtf8` is hidden.
 */
export function loadWsJavaScriptUtf8(): (buffer: Buffer) => boolean {
  const path = join(wsDirectory, 'lib/validation.js');
  const buffer = require('node:buffer') as { isUtf8: unknown };
  const saved = require.cache[path];
  const isUtf8 = buffer.isUtf8;
  const previousEnvironment = process.env.WS_NO_UTF_8_VALIDATE;
  delete require.cache[path];
  buffer.isUtf8 = undefined;
  process.env.WS_NO_UTF_8_VALIDATE = '1';
  try {
    const check = (require(path) as { isValidUTF8(buffer: Buffer): boolean }).isValidUTF8;
    if (String(check).includes('isUtf8')) throw new Error('Could not load the JavaScript UTF-8 check of ws');
    return check;
  } finally {
    buffer.isUtf8 = isUtf8;
    if (previousEnvironment === undefined) delete process.env.WS_NO_UTF_8_VALIDATE;
    else process.env.WS_NO_UTF_8_VALIDATE = previousEnvironment;
    if (saved !== undefined) require.cache[path] = saved;
    else delete require.cache[path];
  }
}

/** The installed bufferutil version. */
export function bufferutilVersion(): string | undefined {
  try {
    const wsRequire = createRequire(join(wsDirectory, 'package.json'));
    return (wsRequire('bufferutil/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

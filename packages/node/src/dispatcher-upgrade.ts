/**
 * The client handshake through an undici dispatcher (a proxy, or the caller's `dispatcher`):
 * `client-upgrade.ts` loads this module on demand, only when one may be used, so that a client
 * connecting directly does not carry it (nor undici).
 */
import type { ClientHandshake } from '@wskit/handshake';
import type { ClientUpgrade, WebSocketTarget } from '@wskit/transport';
import type { Dispatcher } from 'undici';
import type { AttemptContext } from './client-attempt.js';
import { dispatcherAttempt } from './dispatcher-attempt.js';
import { HandshakeFailedError } from './errors.js';

export { selectDispatcher } from './proxy.js';

/**
 * One handshake through an undici dispatcher (a proxy): undici runs the HTTP exchange, this
 * validates the `101` (the same checks as `upgradeClient`) and reports anything else as a
 * {@link HandshakeFailedError}, as the direct path does.
 */
export async function dispatcherUpgrade(
  dispatcher: Dispatcher,
  target: WebSocketTarget,
  handshake: ClientHandshake,
  context: AttemptContext,
): Promise<Omit<ClientUpgrade, 'url'>> {
  const result = await dispatcherAttempt(dispatcher, target, handshake.request, context);
  const { response } = result;
  const failure = { url: target.url.href, status: response.status, headers: response.headers };
  if (result.kind === 'response') {
    const reason = response.reason ? ` ${response.reason}` : '';
    throw new HandshakeFailedError({
      ...failure,
      body: result.body,
      code: 'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS',
      message: `The server answered ${response.status}${reason} instead of 101 Switching Protocols`,
    });
  }
  const checked = handshake.validateResponse(response);
  if (!checked.ok) {
    result.transport.abort();
    throw new HandshakeFailedError({
      ...failure,
      code: checked.error.code,
      message: `Invalid handshake response: ${checked.error.message}`,
    });
  }
  return {
    transport: result.transport,
    earlyData: result.earlyData,
    protocol: checked.protocol,
    extensions: checked.extensions,
    response,
  };
}

import type { WebSocketTarget } from '@wskit/transport';

export { parseWebSocketUrl, type WebSocketTarget } from '@wskit/transport';

/** Whether two targets share scheme, host and port: headers such as `Authorization` may follow. */
export function isSameOrigin(a: WebSocketTarget, b: WebSocketTarget): boolean {
  return a.secure === b.secure && a.hostname === b.hostname && a.port === b.port;
}

import { WebSocketError } from './errors.js';

/** What {@link createHandshakeTimeout} returns. */
export interface HandshakeTimeout {
  /**
   * Aborts when the time is up (its `reason` a `WebSocketError` `WS_ERR_HANDSHAKE_TIMEOUT`) or when
   * the parent signal aborts (with the parent's reason).
   */
  readonly signal: AbortSignal;
  /** Stops the timer and lets go of the parent signal: call it once the handshake is done. */
  clear(): void;
}

/**
 * A timer for an adapter's opening handshake, as an `AbortSignal`: start it when the connection is
 * accepted (or the request sent), abort the transport when the signal fires, and `clear()` it when
 * the handshake completed, before calling `openWebSocket`.
 *
 * ```ts
 * const timeout = createHandshakeTimeout(10_000, { signal: options.signal });
 * timeout.signal.addEventListener('abort', () => socket.destroy(timeout.signal.reason), { once: true });
 * const head = await readHead(socket); // your handshake
 * timeout.clear();
 * ```
 */
export function createHandshakeTimeout(
  milliseconds: number,
  options: { signal?: AbortSignal } = {},
): HandshakeTimeout {
  if (typeof milliseconds !== 'number' || Number.isNaN(milliseconds) || milliseconds < 0) {
    throw new RangeError(
      `The handshake timeout must be a non-negative number of milliseconds, not ${milliseconds}`,
    );
  }
  const controller = new AbortController();
  const parent = options.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onParentAbort = (): void => {
    cleanup();
    controller.abort(parent?.reason);
  };
  const cleanup = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    parent?.removeEventListener('abort', onParentAbort);
  };
  if (parent?.aborted) {
    controller.abort(parent.reason);
  } else {
    parent?.addEventListener('abort', onParentAbort, { once: true });
    if (milliseconds !== Number.POSITIVE_INFINITY) {
      timer = setTimeout(() => {
        cleanup();
        controller.abort(
          new WebSocketError(
            'WS_ERR_HANDSHAKE_TIMEOUT',
            `The opening handshake took longer than ${milliseconds} ms`,
          ),
        );
      }, milliseconds);
    }
  }
  return { signal: controller.signal, clear: cleanup };
}

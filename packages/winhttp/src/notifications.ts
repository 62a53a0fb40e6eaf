/**
 * Delivery of status callbacks. Every notification goes through one queue: a notification raised
 * outside any callback is delivered at once, synchronously; one raised while a callback runs (say, a
 * Send called from a WRITE_COMPLETE callback completes at once) is delivered right after that
 * callback returns, still inside the outer call. So callbacks run in the order their events happened,
 * the stack never grows with a chain of completions, and a callback never runs inside another one.
 */
import {
  WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS,
  WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
  WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING,
  WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE,
} from './callback-constants.js';
import type { HandleState } from './handles.js';
import type { WinHttpStatusInformation } from './types.js';

interface Notification {
  readonly state: HandleState;
  readonly status: number;
  readonly information: WinHttpStatusInformation;
  readonly length: number;
}

const queue: Notification[] = [];
let head = 0;
let draining = false;

/**
 * Whether a callback registered for `flags` gets `status`. CLOSE_COMPLETE and SHUTDOWN_COMPLETE are
 * not in `WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS`, yet Microsoft's own client registers that mask and
 * relies on them: they are delivered for their own bit or for any completion bit.
 */
export function wants(flags: number, status: number): boolean {
  if ((flags & status) !== 0) return true;
  if (
    status === WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE ||
    status === WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE
  ) {
    return (flags & WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS) !== 0;
  }
  return false;
}

/**
 * Queues a notification for `state`'s handle and delivers the queue unless a callback is running.
 * Nothing is queued for a handle after its HANDLE_CLOSING.
 */
export function notify(
  state: HandleState,
  status: number,
  information: WinHttpStatusInformation = null,
  length = 0,
): void {
  if (state.notificationsEnded) return;
  if (status === WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) state.notificationsEnded = true;
  queue.push({ state, status, information, length });
  if (!draining) drain();
}

/** Whether a callback is running (the caller is inside one). */
export function insideCallback(): boolean {
  return draining;
}

function drain(): void {
  draining = true;
  try {
    while (head < queue.length) {
      const notification = queue[head]!;
      queue[head++] = undefined as unknown as Notification;
      deliver(notification);
    }
  } finally {
    queue.length = 0;
    head = 0;
    draining = false;
  }
}

function deliver({ state, status, information, length }: Notification): void {
  const callback = state.callback;
  if (callback === null || !wants(state.notificationFlags, status)) return;
  try {
    callback(state.handle, state.context, status, information, length);
  } catch (error) {
    // The application's exception must not break the handle's state: report it as uncaught.
    queueMicrotask(() => {
      throw error;
    });
  }
}

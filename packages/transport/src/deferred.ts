/**
 * A promise with its settle functions, whose rejection never counts as unhandled. Settle it with
 * `resolve()` or {@link rejectDeferred}, never with `reject` directly (that one does not mark the
 * promise handled).
 */
export interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const noop = (): void => {};

type WithResolvers = () => Deferred;

/**
 * `Promise.withResolvers` where the runtime has it (Node 22+, Bun, workerd): made natively, with no
 * executor closure; the portable equivalent elsewhere.
 */
const withResolvers: WithResolvers =
  typeof (Promise as { withResolvers?: unknown }).withResolvers === 'function'
    ? (Promise as unknown as { withResolvers: WithResolvers }).withResolvers.bind(Promise)
    : () => {
        let resolve!: () => void;
        let reject!: (error: Error) => void;
        const promise = new Promise<void>((onResolve, onReject) => {
          resolve = onResolve;
          reject = onReject;
        });
        return { promise, resolve, reject };
      };

/**
 * Creates a {@link Deferred}: one per message sent, so it is as cheap as a promise can be. Its
 * promise is marked handled only when {@link rejectDeferred} rejects it (a handler attached before
 * the rejection), not at creation: a caller that never awaits the promise of a `send` does not crash
 * the process when the connection closes before the message went out, while one that awaits it
 * still sees the rejection.
 */
export function createDeferred(): Deferred {
  return withResolvers();
}

/** Rejects a {@link Deferred}'s promise with `error`, marked handled (see {@link createDeferred}). */
export function rejectDeferred(deferred: Deferred, error: Error): void {
  deferred.promise.catch(noop);
  deferred.reject(error);
}

/** A promise already rejected with `error`, marked handled (see {@link createDeferred}). */
export function rejected(error: Error): Promise<void> {
  const promise = Promise.reject(error);
  promise.catch(noop);
  return promise;
}

/** A promise with its settle functions, whose rejection never counts as unhandled. */
export interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

const noop = (): void => {};

/**
 * Creates a {@link Deferred}. Its promise is marked handled at once: a caller that never awaits the
 * promise of a `send` does not crash the process when the connection closes before the message
 * went out, while one that awaits it still sees the rejection.
 */
export function createDeferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  promise.catch(noop);
  return { promise, resolve, reject };
}

/** A promise already rejected with `error`, marked handled (see {@link createDeferred}). */
export function rejected(error: Error): Promise<void> {
  const promise = Promise.reject(error);
  promise.catch(noop);
  return promise;
}

import { DefaultDeflateOptions } from './constants.js';

/**
 * Runs asynchronous tasks with at most `limit` of them in flight; the rest wait in call order. One
 * limiter is shared by every connection of a {@link perMessageDeflate} instance (or, by default, by
 * every instance), so that many connections compressing at once queue up instead of flooding the
 * zlib thread pool.
 */
export class ConcurrencyLimiter {
  readonly #limit: number;
  #running = 0;
  #waiting: ((() => void) | undefined)[] = [];
  #head = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** How many tasks are running now. */
  get running(): number {
    return this.#running;
  }

  /** How many tasks wait for a free place. */
  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  /**
   * Runs `task` now if fewer than `limit` tasks are running, otherwise once one finishes. The place
   * is freed when the task's promise settles (or when it throws), so a task must always settle.
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.#limit) return this.#start(task);
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push(() => {
        this.#start(task).then(resolve, reject);
      });
    });
  }

  #start<T>(task: () => Promise<T>): Promise<T> {
    this.#running++;
    let promise: Promise<T>;
    try {
      promise = task();
    } catch (error) {
      promise = Promise.reject(error);
    }
    return promise.finally(() => this.#release());
  }

  #release(): void {
    this.#running--;
    if (this.#head === this.#waiting.length) return;
    const next = this.#waiting[this.#head]!;
    this.#waiting[this.#head++] = undefined;
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    }
    next();
  }
}

let sharedLimiter: ConcurrencyLimiter | undefined;

/** The process-wide limiter that instances without a `concurrencyLimit` option share. */
export function defaultLimiter(): ConcurrencyLimiter {
  sharedLimiter ??= new ConcurrencyLimiter(DefaultDeflateOptions.concurrencyLimit);
  return sharedLimiter;
}

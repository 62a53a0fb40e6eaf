/**
 * WinHTTP's idle keep-alive: once nothing was sent or received for the interval, the WebSocket sends
 * an unsolicited pong (RFC 6455 §5.5.3). One timer, re-armed for the time left when it fires, rather
 * than reset on every frame.
 */
export class KeepaliveTimer {
  readonly #interval: () => number;
  readonly #lastActivity: () => number;
  readonly #fire: () => boolean;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  /**
   * @param interval the interval in force, in ms (read each time, as the option may change).
   * @param lastActivity when a frame was last sent or received (`performance.now()` time).
   * @param fire sends the keep-alive; returns `false` when keep-alives are over (the timer stops).
   */
  constructor(interval: () => number, lastActivity: () => number, fire: () => boolean) {
    this.#interval = interval;
    this.#lastActivity = lastActivity;
    this.#fire = fire;
  }

  /** Starts timing from the last activity. */
  start(): void {
    this.#running = true;
    this.#arm();
  }

  /** Times again from the last activity, with the interval now in force (if running). */
  restart(): void {
    if (this.#running) this.#arm();
  }

  /** Stops for good. */
  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const wait = Math.max(0, this.#interval() - (performance.now() - this.#lastActivity()));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#running) return;
      if (performance.now() - this.#lastActivity() >= this.#interval() && !this.#fire()) {
        this.stop();
        return;
      }
      this.#arm();
    }, wait);
  }
}

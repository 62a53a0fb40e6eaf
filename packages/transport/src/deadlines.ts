/**
 * One runtime timer for the engine deadlines of every session (keepalive, pong and close timeouts):
 * a min-heap of entries ordered by time, and a single `setTimeout` armed for the earliest. An idle
 * connection then holds one small entry instead of a runtime timer object, its callback closure
 * and that closure's context (about 250 bytes on Node, issue 13's idle memory).
 *
 * Entries fire in deadline order, at or after their time, exactly as their own timers would have.
 * The runtime timer is unref'd where the runtime allows it (Node, Bun): deadlines belong to open
 * transports, which keep the event loop alive themselves while they are referenced.
 */

/** Something with a deadline: {@link DeadlineQueue.schedule} calls `due()` once it passed. */
export interface DeadlineEntry {
  /** The deadline, in `performance.now()` milliseconds. */
  at: number;
  /** The position in the queue's heap, -1 when not scheduled. Owned by the queue. */
  slot: number;
  /** Called (once per scheduling) when the deadline passed. */
  due(now: number): void;
}

const clock = (): number => performance.now();

/** A min-heap of {@link DeadlineEntry} values driven by one runtime timer. */
export class DeadlineQueue {
  readonly #heap: DeadlineEntry[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  /** Whether the runtime's timers can be unref'd (Node, Bun): then an emptied queue keeps its timer. */
  #timersUnref = false;
  #running = false;

  /** How many entries are scheduled. */
  get size(): number {
    return this.#heap.length;
  }

  /** Schedules `entry` at `at` (re-schedules it if it already was). */
  schedule(entry: DeadlineEntry, at: number): void {
    if (entry.slot >= 0) this.cancel(entry);
    entry.at = at;
    entry.slot = this.#heap.length;
    this.#heap.push(entry);
    this.#up(entry.slot);
    if (!this.#running) this.#arm();
  }

  /** Removes `entry` if it is scheduled. */
  cancel(entry: DeadlineEntry): void {
    const slot = entry.slot;
    if (slot < 0) return;
    entry.slot = -1;
    const heap = this.#heap;
    const last = heap.pop()!;
    if (last !== entry) {
      heap[slot] = last;
      last.slot = slot;
      this.#down(slot);
      this.#up(last.slot);
    }
    // On Node and Bun an emptied queue keeps its (unref'd) timer: it fires, finds nothing due and
    // stops; disarming here made a runtime timer for every short-lived entry (a handshake's deadline,
    // cancelled once it completed). Elsewhere it is disarmed: workerd binds a timer to the request
    // that made it and drops it with that request, so a timer kept from an earlier request would
    // never fire, and the queue, believing it armed, would never fire the next request's deadlines.
    if (heap.length === 0 && !this.#running && !this.#timersUnref) this.#disarm();
  }

  /** Runs every entry whose deadline passed, in order, then arms the timer for the next one. */
  #fire = (): void => {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#running = true;
    try {
      const heap = this.#heap;
      const now = clock();
      // Entries scheduled while running (for now or earlier) run in this round too.
      while (heap.length > 0 && heap[0]!.at <= now) {
        const entry = heap[0]!;
        this.cancel(entry);
        entry.due(now);
      }
    } finally {
      this.#running = false;
      this.#arm();
    }
  };

  #arm(): void {
    const next = this.#heap[0];
    if (next === undefined) {
      this.#disarm();
      return;
    }
    if (this.#timer !== undefined && this.#timerAt <= next.at) return;
    this.#disarm();
    this.#timerAt = next.at;
    const timer = setTimeout(this.#fire, Math.max(0, Math.ceil(next.at - clock())));
    this.#timersUnref = typeof timer === 'object' && timer !== null && typeof timer.unref === 'function';
    if (this.#timersUnref) (timer as { unref(): void }).unref();
    this.#timer = timer;
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #up(slot: number): void {
    const heap = this.#heap;
    const entry = heap[slot]!;
    while (slot > 0) {
      const parentSlot = (slot - 1) >> 1;
      const parent = heap[parentSlot]!;
      if (parent.at <= entry.at) break;
      heap[slot] = parent;
      parent.slot = slot;
      slot = parentSlot;
    }
    heap[slot] = entry;
    entry.slot = slot;
  }

  #down(slot: number): void {
    const heap = this.#heap;
    const entry = heap[slot]!;
    const length = heap.length;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= length) break;
      if (child + 1 < length && heap[child + 1]!.at < heap[child]!.at) child++;
      const smaller = heap[child]!;
      if (smaller.at >= entry.at) break;
      heap[slot] = smaller;
      smaller.slot = slot;
      slot = child;
    }
    heap[slot] = entry;
    entry.slot = slot;
  }
}

/** The queue every session of this realm shares. */
export const sessionDeadlines = new DeadlineQueue();
